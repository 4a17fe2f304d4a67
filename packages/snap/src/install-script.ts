import type { CatalogRevision, SnapCatalog } from './types.js';
import { currentRevisions, installOrder } from './install-order.js';

/**
 * install.sh for the side-load area: acks each snap's assertions and installs it, snapd first,
 * then bases, default providers and the snaps, per device architecture. Names and revisions are
 * validated ([a-z0-9-], integers), so they need no quoting beyond what is written here.
 */
export function installScript(catalog: SnapCatalog, sourceName: string): string {
  const lines = [
    '#!/bin/sh',
    `# Installs the snaps of airlock source ${sourceName} without a store, in dependency order:`,
    '# snapd, bases, default providers, then the snaps. Run as root from any directory.',
    '# AIRLOCK_SNAP_ARCH overrides the detected architecture.',
    'set -eu',
    'cd "$(dirname "$0")"',
    'arch="${AIRLOCK_SNAP_ARCH:-$(dpkg --print-architecture 2>/dev/null || uname -m)}"',
    'case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; armv7l) arch=armhf ;; ppc64le) arch=ppc64el ;; esac',
    'install_one() {',
    '  snap ack "$1.assert"',
    '  shift_file="$1.snap"',
    '  shift',
    '  snap install "$@" "$shift_file"',
    '}',
    'case "$arch" in',
  ];
  for (const architecture of catalog.architectures) {
    lines.push(`  ${architecture})`);
    for (const r of installOrder(currentRevisions(catalog, architecture))) lines.push(`    install_one ${r.name}_${r.revision}${flags(r)}`);
    lines.push('    ;;');
  }
  lines.push('  *)', `    echo "install.sh: this publication has no snaps for architecture $arch (it has: ${catalog.architectures.join(' ')})" >&2`, '    exit 1', '    ;;', 'esac', '');
  return lines.join('\n');
}

function flags(r: CatalogRevision): string {
  return r.confinement === 'classic' ? ' --classic' : r.confinement === 'devmode' ? ' --devmode' : '';
}
