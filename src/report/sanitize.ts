/**
 * Resource names, tags and messages come from the inventory, which anyone with write access to
 * a subscription controls. Before they reach a terminal they lose ANSI escape sequences, C0/C1
 * control characters and Unicode bidirectional overrides, so a hostile name can neither inject
 * terminal escapes nor reorder what the reader sees.
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character ESC sequences.
const ANSI_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripTerminalControls(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(CONTROL, ' ').replace(BIDI, '');
}
