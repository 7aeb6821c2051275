import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/app/settings';

const ROOT = join(__dirname, '..', '..');
const read = (...path: string[]): string => readFileSync(join(ROOT, ...path), 'utf8');

/** What `azd up` relies on, checked without Azure (the Bicep itself is parsed by bicep.test.ts). */
describe('azd up', () => {
  it('azure.yaml names one TypeScript Functions service and the three hooks, which exist', () => {
    const yaml = read('azure.yaml');
    expect(yaml).toMatch(/services:\s*\n\s+api:\s*\n\s+project: \.\s*\n\s+language: ts\s*\n\s+host: function/);
    for (const hook of ['preprovision', 'postprovision', 'postdeploy']) {
      expect(yaml).toContain(`run: ./hooks/${hook}.sh`);
      expect(read('hooks', `${hook}.sh`).startsWith('#!/bin/sh')).toBe(true);
    }
  });

  it('main.parameters.json gives every parameter of main.bicep that has no default, from the azd environment', () => {
    const main = read('infra', 'main.bicep');
    const parameters = JSON.parse(read('infra', 'main.parameters.json')) as { parameters: Record<string, { value: string }> };
    const required = [...main.matchAll(/^param (\w+) \w+$/gm)].map((match) => match[1] ?? '');
    expect(required.sort()).toEqual(['authClientId', 'environmentName', 'location']);
    for (const name of required) expect(parameters.parameters[name]?.value).toMatch(/^\$\{[A-Z_]+\}$/);
    expect(parameters.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(parameters.parameters.location?.value).toBe('${AZURE_LOCATION}');
    // Every parameter given exists in main.bicep.
    for (const name of Object.keys(parameters.parameters)) expect(main).toMatch(new RegExp(`^param ${name} `, 'm'));
  });

  it('tags the Function App with azd-service-name, on Node.js 22, behind Entra sign-in', () => {
    const app = read('infra', 'app.bicep');
    expect(app).toContain("tags: union(tags, { 'azd-service-name': 'api' })");
    expect(app).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'/);
    expect(app).toContain("name: 'authsettingsV2'");
    expect(app).toContain("excludedPaths: [ '/runtime/webhooks/eventgrid', '/api/automation/audit' ]");
    expect(app).toContain("{ name: 'AML_AUDITOR_REQUIRE_SIGN_IN', value: 'true' }");
    expect(app).toMatch(/basicPublishingCredentialsPolicies[\s\S]*name: 'scm'\s*properties: \{ allow: false \}/);
  });

  it('every app setting the code reads is set by infra or documented in the README as optional', () => {
    const app = read('infra', 'app.bicep');
    const readme = read('README.md');
    const set = new Set([...app.matchAll(/\{ name: '([A-Z0-9_]+)'/g)].map((match) => match[1]));
    for (const name of SETTING_NAMES) {
      if (set.has(name)) continue;
      // Not set by infra: the README's settings table gives its default.
      expect(readme, name).toMatch(new RegExp(`\\| \`${name}\` \\| [^|]+ \\|`));
    }
    expect(set.has('AML_AUDITOR_STORAGE_ACCOUNT_URL')).toBe(true);
  });

  it('every role GUID infra assigns is the built-in role its name says', () => {
    // Built-in role definition IDs (Microsoft Learn, "Azure built-in roles").
    const builtIn: Record<string, string> = {
      storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
      storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
      eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7',
    };
    const roles = /var roles = \{([^}]*)\}/.exec(read('infra', 'app.bicep'))?.[1] ?? '';
    const declared = Object.fromEntries([...roles.matchAll(/(\w+): '([0-9a-f-]{36})'/g)].map((match) => [match[1], match[2]]));
    expect(declared).toEqual(builtIn);
    expect(read('infra', 'modules', 'subscription-reader.bicep')).toContain("readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'");
  });

  it('.funcignore keeps every development dependency and the sources out of the package', () => {
    const ignore = read('.funcignore').split('\n');
    const manifest = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    for (const name of Object.keys(manifest.devDependencies)) {
      const folder = name.startsWith('@types/') ? 'node_modules/@types/' : `node_modules/${name}/`;
      expect(ignore, name).toContain(folder);
    }
    for (const entry of ['*.ts', 'test/', 'bench/', 'infra/']) expect(ignore).toContain(entry);
  });
});
