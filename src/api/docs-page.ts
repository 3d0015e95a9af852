import type { OpenApiDocument } from './openapi-document.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem;text-transform:capitalize}
.op{border:1px solid #d5dae3;border-radius:6px;padding:.6rem .8rem;margin:.5rem 0}
.method{display:inline-block;min-width:3.5rem;font-weight:700}.get{color:#1f6feb}.post{color:#b35900}
code{background:#f1f3f7;padding:0 .25rem;border-radius:3px}.access{float:right;font-size:.8rem;color:#5b6475}
ul{margin:.3rem 0 0;padding-left:1.2rem}pre{white-space:pre-wrap}`;

/** A self-contained page (no scripts, no CDN) listing every operation of the document. */
export function docsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = operation.parameters.map(
        (parameter) =>
          `<li><code>${escapeHtml(parameter.name)}</code> (${parameter.in}${parameter.required ? ', required' : ''})${
            parameter.description === undefined ? '' : ` — ${escapeHtml(parameter.description)}`
          }</li>`,
      );
      if (operation.requestBody !== undefined) parameters.push(`<li>JSON body${operation.requestBody.required ? ' (required)' : ' (optional)'}</li>`);
      const statuses = Object.keys(operation.responses).join(', ');
      const html = `<div class="op" id="${escapeHtml(operation.operationId)}"><span class="access">${operation['x-access'] === 'public' ? 'no token' : `${operation['x-access']} token`}</span><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code> — ${escapeHtml(operation.summary)}${
        parameters.length === 0 ? '' : `<ul>${parameters.join('')}</ul>`
      }<div>Answers: ${statuses}</div></div>`;
      const tag = operation.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const sections = [...byTag].map(([tag, operations]) => `<h2>${escapeHtml(tag)}</h2>${operations.join('')}`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} API</title><style>${STYLE}</style></head><body><h1>${escapeHtml(document.info.title)} API ${escapeHtml(document.info.version)}</h1><p>The machine-readable document: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1).</p><pre>${escapeHtml(document.info.description)}</pre>${sections}</body></html>`;
}
