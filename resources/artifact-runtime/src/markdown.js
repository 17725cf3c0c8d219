import { marked } from 'marked';
import hljs from 'highlight.js/lib/common';
import githubCss from 'highlight.js/styles/github.css';
import pageCss from './markdown.css';
import { report } from './registry.js';

function highlighted(code, language) {
    if (language && hljs.getLanguage(language))
        return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    return hljs.highlightAuto(code).value;
}

const renderer = new marked.Renderer();
renderer.code = ({ text, lang }) => {
    const language = (lang || '').split(/\s/)[0];
    const code = highlighted(text, language);
    return `<pre><code class="hljs language-${language}">${code}</code></pre>`;
};

const style = document.createElement('style');
style.textContent = githubCss + pageCss;
document.head.append(style);

const article = document.createElement('article');
article.innerHTML = marked.parse(globalThis.TandemRuntime.source, { renderer, gfm: true });
document.body.append(article);
report({ kind: 'rendered' });
