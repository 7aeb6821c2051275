import { defineRule } from '../types';
import { firewallEvidence, firewallSummary, gateOutcome, storageGateOf, workspaceSubjects } from '../support/associated';


/** 001, the warnings at the top and in "Use a storage account for your workspace". */
const UNSUPPORTED_FEATURES = ['Automated ML', 'Datasets', 'Data labeling', 'Designer', 'Notebooks'] as const;
const DESIGNER_ERROR = 'Error: Unable to profile this dataset. This might be because your data is stored behind a virtual network or your data does not support profile.';

/** Advice: with secured storage, these studio features are unsupported (001 warnings). */
export const studioStorageFeaturesRule = defineRule({
  meta: {
    id: 'studio.storage-features',
    title: 'Studio features are unsupported with secured workspace storage',
    severity: 'info',
    source: {
      document: '001',
      section: 'Use a storage account for your workspace',
      quote:
        'Microsoft does not support using the Azure Machine Learning Studio features such as Automated ML, Datasets, Datalabeling, Designer, and Notebooks if the underlying storage has virtual network enabled.',
    },
    description:
      "When a workspace's storage account is secured, Automated ML, Datasets, Data labeling, Designer and Notebooks in the studio are unsupported, and the Designer cannot profile data.",
    remediation:
      'Tell the workspace users which studio features will not work and have them use the SDK or CLI from inside the virtual network instead; no setting on this workspace removes the limitation described by the source document.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      unsupported:
        "Workspace '{{workspace}}' uses secured storage account '{{name}}' ({{how}}): the studio does not support {{features}} on it, and the Designer shows \"Unable to profile this dataset\" when visualizing its data. Use the SDK or CLI from inside the virtual network for these tasks.",
      resourceMissing: "Workspace '{{workspace}}' names storage account '{{name}}', which is not in the inventory; the check cannot tell whether it is secured.",
      resourceUnreadable: "Storage account '{{name}}' of workspace '{{workspace}}' has a firewall section that cannot be read ({{how}}); the check cannot tell whether it is secured.",
      resourceNotSecured: "Storage account '{{name}}' of workspace '{{workspace}}' is not secured ({{how}}); the studio features work.",
    },
  },
  subjects: (estate) => workspaceSubjects(estate, 'storageAccountId'),
  check: ({ target: workspace }, estate) => {
    const gate = storageGateOf(estate, workspace);
    if (gate.kind !== 'secured') return gateOutcome(workspace, gate);
    const account = gate.resource;
    return {
      status: 'fail',
      messageId: 'unsupported',
      data: { workspace: workspace.name, name: account.name, how: firewallSummary(account), features: UNSUPPORTED_FEATURES.join(', ') },
      evidence: { storageAccountId: account.id, ...firewallEvidence(account), unsupportedFeatures: [...UNSUPPORTED_FEATURES], designerError: DESIGNER_ERROR },
    };
  },
});
