import { createHash } from 'node:crypto';

/** The page's only styling, inline (no external assets) and allowed by its hash in the CSP. */
export const SITE_STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem 1.5rem;color:#1b1f23;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem;overflow-x:auto;white-space:pre}
table{border-collapse:collapse;margin:.4rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.file{margin:.2rem 0;color:#57606a}.note{margin:.2rem 0 0;color:#57606a;font-size:.9rem}
.problem{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.5rem .8rem}
nav ul{columns:2;padding-left:1.2rem}.muted{color:#57606a}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}pre,th{background:#161b22}pre,th,td,h2{border-color:#30363d}
a{color:#58a6ff}.file,.note,.muted{color:#8d96a0}.problem{background:#3b2e00;border-color:#9e6a03}}
`;

export const SITE_STYLE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(SITE_STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
