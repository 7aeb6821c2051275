/**
 * The two public documents every rule comes from (Microsoft Docs, 2020), by the short code rules
 * cite them with in `meta.source.document`.
 */
export interface SourceDocument {
  readonly title: string;
  readonly published: string;
  readonly url: string;
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
