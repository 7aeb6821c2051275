/** The bundle's entry: the page's script runs once the document is parsed (its tag is deferred). */
import { dashboardClient } from './app';

dashboardClient();
