/**
 * The managed login's pages: plain server-rendered HTML forms that work without JavaScript, each
 * input with its <label>, styled by one external style sheet (the Content-Security-Policy allows no
 * inline script or style). Every text that reaches a page goes through `escapeHtml`.
 */

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text for HTML, attribute values included. */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c]);

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'email' | 'radio';
  autocomplete?: string;
  value?: string;
  /** For a code: numeric keyboard, one-time-code autocomplete. */
  inputmode?: 'numeric';
  /** Radio buttons: value and label of each. */
  options?: { value: string; label: string }[];
}

export interface PageModel {
  title: string;
  /** Under the heading, before the form (escaped here). */
  intro?: string;
  error?: string;
  notice?: string;
  /** The form's action (path and query) and its hidden members, the CSRF token among them. */
  action: string;
  hidden: Record<string, string>;
  fields: Field[];
  submit: string;
  /** HTML that the caller built from escaped parts (the TOTP QR code and secret). */
  extra?: string;
  links?: { href: string; text: string }[];
}

/** The style sheet, served at `<domain>/static/login.css`. */
export const STYLESHEET = `body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;color:#111}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #999;border-radius:4px}
fieldset{border:0;padding:0}.option{display:flex;gap:.5rem;align-items:center}.option label{display:inline;margin:0;font-weight:400}
button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px}
.error{background:#fee2e2;border:1px solid #b91c1c;padding:.6rem;border-radius:4px}.notice{background:#dcfce7;border:1px solid #15803d;padding:.6rem;border-radius:4px}
.secret{font-family:monospace;word-break:break-all;background:#f3f4f6;padding:.5rem}img.qr{display:block;margin:1rem auto;width:200px;height:200px}
nav a{display:block;margin-top:.8rem}
`;

function field(f: Field): string {
  const id = `field-${f.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  if (f.type === 'radio') {
    const options = (f.options ?? [])
      .map((o, i) => `<div class="option"><input type="radio" id="${id}-${i}" name="${esc(f.name)}" value="${esc(o.value)}"${i === 0 ? ' checked' : ''}>` +
        `<label for="${id}-${i}">${esc(o.label)}</label></div>`)
      .join('');
    return `<fieldset><legend>${esc(f.label)}</legend>${options}</fieldset>`;
  }
  const attrs = [
    `id="${id}"`, `name="${esc(f.name)}"`, `type="${f.type ?? 'text'}"`,
    f.autocomplete ? `autocomplete="${esc(f.autocomplete)}"` : '',
    f.inputmode ? `inputmode="${f.inputmode}"` : '',
    f.value !== undefined ? `value="${esc(f.value)}"` : '',
    'required',
  ].filter(Boolean);
  return `<label for="${id}">${esc(f.label)}</label><input ${attrs.join(' ')}>`;
}

export function renderPage(stylesheet: string, page: PageModel): string {
  const hidden = Object.entries(page.hidden).map(([n, v]) => `<input type="hidden" name="${esc(n)}" value="${esc(v)}">`).join('');
  const links = page.links?.length ? `<nav>${page.links.map((l) => `<a href="${esc(l.href)}">${esc(l.text)}</a>`).join('')}</nav>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)}</title><link rel="stylesheet" href="${esc(stylesheet)}"></head>
<body><main>
<h1>${esc(page.title)}</h1>
${page.intro ? `<p>${esc(page.intro)}</p>` : ''}${page.error ? `<p class="error" role="alert">${esc(page.error)}</p>` : ''}${page.notice ? `<p class="notice" role="status">${esc(page.notice)}</p>` : ''}
${page.extra ?? ''}
<form method="post" action="${esc(page.action)}">${hidden}
${page.fields.map(field).join('\n')}
<button type="submit">${esc(page.submit)}</button>
</form>
${links}
</main></body></html>
`;
}

/** A page with a message and no form: errors that end the transaction. */
export function renderMessage(stylesheet: string | undefined, title: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>${stylesheet ? `<link rel="stylesheet" href="${esc(stylesheet)}">` : ''}</head>
<body><main><h1>${esc(title)}</h1><p class="error" role="alert">${esc(message)}</p></main></body></html>
`;
}
