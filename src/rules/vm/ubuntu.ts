import { defineRule } from '../types';
import { attachedResourceSubjects, missingAttached } from '../support/attached';

/** Publishers whose images with "ubuntu" in the offer are Ubuntu: Canonical, and the Data Science VM for Linux (Ubuntu). */
const UBUNTU_PUBLISHERS: ReadonlySet<string> = new Set(['canonical', 'microsoft-dsvm']);


/** 001 "Use a virtual machine or HDInsight cluster": Azure ML supports only VMs running Ubuntu. */
export const vmUbuntuRule = defineRule({
  meta: {
    id: 'vm.ubuntu',
    title: 'Attached virtual machine does not run Ubuntu',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use a virtual machine or HDInsight cluster',
      quote: 'Azure Machine Learning supports only virtual machines that are running Ubuntu.',
    },
    description: 'A virtual machine attached to a workspace as a compute target must run Ubuntu (judged from its marketplace image reference and OS type).',
    remediation: 'Attach a VM created from an Ubuntu image (publisher Canonical, such as 0001-com-ubuntu-server-jammy) instead, and detach this one.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      ubuntu: "Virtual machine '{{name}}' runs Ubuntu ({{image}}).",
      windows: "Virtual machine '{{name}}' runs Windows ({{image}}), but Azure Machine Learning supports only Ubuntu VMs; attach an Ubuntu VM instead.",
      otherImage: "Virtual machine '{{name}}' runs image {{image}}, which is not Ubuntu; Azure Machine Learning supports only Ubuntu VMs, so attach an Ubuntu VM instead.",
      unverifiedImage:
        "Virtual machine '{{name}}' runs image {{image}}, whose offer names Ubuntu but whose publisher is not Canonical; check that it is Ubuntu.",
      customImage:
        "Virtual machine '{{name}}' has no marketplace image reference (a custom or gallery image, or the data is missing); the check cannot tell whether it runs Ubuntu.",
      missing: "Virtual machine '{{name}}' is attached to a workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: (estate) => attachedResourceSubjects(estate, 'VirtualMachine', (id) => estate.virtualMachine(id)),
  check: ({ target }) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const vm = target.resource;
    const evidence = { publisher: vm.imagePublisher ?? null, offer: vm.imageOffer ?? null, sku: vm.imageSku ?? null, osType: vm.osType ?? null };
    const image = [vm.imagePublisher, vm.imageOffer, vm.imageSku].filter((part): part is string => part !== undefined).join(':').slice(0, 200) || `osType ${vm.osType ?? 'unknown'}`;
    const data = { name: vm.name, image };
    if (vm.osType?.toLowerCase() === 'windows') return { status: 'fail', messageId: 'windows', data, evidence };
    if (vm.imagePublisher === undefined || vm.imageOffer === undefined) return { status: 'unknown', messageId: 'customImage', data, evidence };
    const ubuntuOffer = vm.imageOffer.toLowerCase().includes('ubuntu');
    if (ubuntuOffer && UBUNTU_PUBLISHERS.has(vm.imagePublisher.trim().toLowerCase())) return { status: 'pass', messageId: 'ubuntu', data, evidence };
    if (ubuntuOffer) return { status: 'unknown', messageId: 'unverifiedImage', data, evidence };
    return { status: 'fail', messageId: 'otherImage', data, evidence };
  },
});
