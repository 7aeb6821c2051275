import type { RuleSource } from './types';

/**
 * The public pages rules come from: the two documents of the catalogue (Microsoft Docs, 2020), by
 * the short code rules cite them with in `meta.source.document`, or (`current`) a page of today's
 * guidance the rule names itself.
 */
export interface SourceDocument {
  readonly title: string;
  readonly published: string;
  readonly url: string;
}

/** The page a rule's requirement comes from: one of the two documents, or a page of today's guidance. */
export function sourcePage(source: RuleSource): SourceDocument {
  return source.document === 'current' ? { title: source.page.title, published: 'current', url: source.page.url } : SOURCE_DOCUMENTS[source.document];
}

export const SOURCE_DOCUMENTS: Readonly<Record<'000' | '001', SourceDocument>> = {
  '000': {
    title: 'Use Azure Machine Learning studio in an Azure virtual network',
    published: 'July 2020',
    url: 'https://learn.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network',
  },
  '001': {
    title: 'Secure Azure ML experimentation and inference jobs within an Azure Virtual Network',
    published: 'April 2020',
    url: 'https://learn.microsoft.com/azure/machine-learning/how-to-network-security-overview',
  },
};

/** Pages of today's guidance more than one rule cites (`meta.source.page`, `meta.guidance.page`). */
export const CURRENT_PAGES = {
  trainingVnet: { title: 'Secure an Azure Machine Learning training environment with virtual networks', url: 'https://learn.microsoft.com/azure/machine-learning/how-to-secure-training-vnet' },
  inboundOutbound: { title: 'Configure inbound and outbound network traffic', url: 'https://learn.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall' },
} as const;
