import { describe, expect, it } from 'vitest';
import { renderTable, stripTerminalControls } from '../../src/report';
import { report } from './fixtures';

describe('renderTable', () => {
  it('groups findings by workspace, most severe first, and ends with a summary line', () => {
    const text = renderTable(report(), { color: false, width: 100 });
    const alpha = text.indexOf('Workspace ws-alpha');
    const both = text.indexOf('Workspaces ws-alpha, ws-beta');
    const beta = text.indexOf('Workspace ws-beta');
    const none = text.indexOf('Not tied to a workspace');
    expect(alpha).toBeGreaterThanOrEqual(0);
    expect(both).toBeGreaterThan(alpha);
    expect(beta).toBeGreaterThan(both);
    expect(none).toBeGreaterThan(beta);
    // In ws-alpha's own group the high fail comes before the high unknown.
    const alphaGroup = text.slice(alpha, both);
    expect(alphaGroup.indexOf('storage.default-deny')).toBeLessThan(alphaGroup.indexOf('route.forced-tunnel-batch'));
    expect(alphaGroup).toContain('UNKNOWN');
    const lines = text.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^Summary: 120 resources, 40 checks: 30 pass, 4 fail \(2 high, 1 medium, 0 low, 1 info\), 1 unknown, 5 not applicable\.$/);
  });

  it('writes no ANSI escapes without colour, and severity colours with it', () => {
    expect(renderTable(report(), { color: false, width: 100 })).not.toContain('\u001b');
    const coloured = renderTable(report(), { color: true, width: 100 });
    expect(coloured).toContain('\u001b[1;31mHIGH');
    expect(coloured).toContain('\u001b[33mMEDIUM');
  });

  it('strips control characters, escapes and bidi overrides from resource-supplied strings', () => {
    for (const color of [false, true]) {
      const text = renderTable(report(), { color, width: 100 });
      expect(text).not.toContain('\u001b[2J');
      expect(text).not.toContain('\u001b]0;');
      expect(text).not.toContain('\u0007');
      expect(text).not.toContain('\u202e');
      expect(text).toContain('<img src=x onerror=alert(1)>');
    }
    // With colour on, the only escapes left are our own SGR sequences.
    const escapes = renderTable(report(), { color: true, width: 100 }).match(/\u001b[^m]*m/g) ?? [];
    for (const escape of escapes) expect(escape).toMatch(/^\u001b\[[0-9;]*m$/);
  });

  it('wraps messages to the width but never breaks resource IDs', () => {
    const longMessage = 'word '.repeat(60).trim();
    const text = renderTable(report({ findings: [{ ...report().findings[0]!, message: longMessage }] }), { color: false, width: 60 });
    const messageLines = text.split('\n').filter((line) => line.includes('word'));
    expect(messageLines.length).toBeGreaterThan(3);
    for (const line of messageLines) expect(line.length).toBeLessThanOrEqual(60);
    expect(text).toContain('/providers/Microsoft.Storage/storageAccounts/stalpha');
  });

  it('says so when there are no findings, and lists gaps and warnings', () => {
    const text = renderTable(report({ findings: [], gaps: [{ scope: '/subscriptions/x', reason: 'throttled' }], warnings: ['skipped 2 rows'] }), { color: false, width: 80 });
    expect(text).toContain('No findings.');
    expect(text).toContain('Incomplete: 1 part of the estate could not be read.');
    expect(text).toContain('/subscriptions/x: throttled');
    expect(text).toContain('Warning: skipped 2 rows');
  });
});

describe('stripTerminalControls', () => {
  it('removes CSI, OSC and C1 sequences and control characters', () => {
    expect(stripTerminalControls('a\u001b[31mb\u001b[0m')).toBe('ab');
    expect(stripTerminalControls('x\u001b]8;;http://evil\u0007y')).toBe('xy');
    expect(stripTerminalControls('p\u009b31mq')).toBe('pq');
    expect(stripTerminalControls('line\nbreak\ttab')).toBe('line break tab');
    expect(stripTerminalControls('abc\u202edef')).toBe('abcdef');
  });
});
