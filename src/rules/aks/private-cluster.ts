import { defineRule } from '../types';
import { aksClusterSubjects, missingAttached } from '../support/attached';


/** 001 "Use Azure Kubernetes Service (AKS)": Azure ML does not support AKS with private link enabled. */
export const aksPrivateClusterRule = defineRule({
  meta: {
    id: 'aks.private-cluster',
    title: 'Attached AKS cluster is a private (private-link) cluster',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Kubernetes Service (AKS)',
      quote: 'Azure Machine Learning does not support using an Azure Kubernetes Service that has private link enabled.',
    },
    description: 'An AKS cluster attached to a workspace must not be a private cluster (apiServerAccessProfile.enablePrivateCluster), which the source documents list as unsupported.',
    remediation: 'Attach an AKS cluster whose API server is not private-link enabled; a cluster cannot be converted, so create a new one and redeploy the models to it.',
    enabledByDefault: true,
    guidance: {
      status: 'superseded',
      note: 'Private AKS clusters are supported for Azure Machine Learning inference: the guidance now shows how to attach one.',
      page: { title: 'Secure an Azure Machine Learning inferencing environment with virtual networks (v1)', url: 'https://learn.microsoft.com/azure/machine-learning/v1/how-to-secure-inferencing-vnet' },
    },
    messages: {
      public: "AKS cluster '{{name}}' is not a private cluster (enablePrivateCluster {{value}}).",
      private:
        "AKS cluster '{{name}}' has private link enabled (apiServerAccessProfile.enablePrivateCluster true), which Azure Machine Learning does not support here; attach a cluster without private link and redeploy to it.",
      unreadable: "AKS cluster '{{name}}' has an enablePrivateCluster value that cannot be read ({{value}}); the check cannot tell whether it is private.",
      missing: "AKS cluster '{{name}}' is attached to a workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: aksClusterSubjects,
  check: ({ target }) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const cluster = target.resource;
    const flag = cluster.enablePrivateClusterReading;
    if (flag.kind === 'value' && flag.value) return { status: 'fail', messageId: 'private', data: { name: cluster.name }, evidence: { enablePrivateCluster: true } };
    if (flag.kind === 'value') return { status: 'pass', messageId: 'public', data: { name: cluster.name, value: 'false' }, evidence: { enablePrivateCluster: false } };
    if (flag.kind === 'malformed') {
      return { status: 'unknown', messageId: 'unreadable', data: { name: cluster.name, value: flag.written }, evidence: { enablePrivateCluster: flag.written } };
    }
    return { status: 'pass', messageId: 'public', data: { name: cluster.name, value: "absent, Azure's default false" }, evidence: { enablePrivateCluster: null } };
  },
});
