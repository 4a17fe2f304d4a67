/** Said at plan, export and import alike: what `insecure: true` gives up. */
export function insecureWarning(name: string): string {
  return `rpm/${name} is INSECURE (insecure: true): its repomd.xml is not verified against any upstream key, so whoever controls the mirror or the network chose these packages; the site re-signs them with its own key and clients will trust them. Give gpgkey to verify this repo`;
}
