// Turns the artifact's JSX into JavaScript in the page, runs it as a module whose imports come
// from the bundled libraries, and renders the component it offers. Sucrase keeps every line
// where it was, so an error's line is the line in the code pane.
import { transform } from 'sucrase';
import runtime, { report } from './registry.js';
import './overlay.js';

const sourceUrl = 'artifact.jsx';

function lineOfOffset(text, offset) {
    let line = 1;
    for (let i = 0; i < offset; ++i) if (text.charCodeAt(i) === 10) ++line;
    return line;
}

function importsOf(source) {
    const pattern =
        /^[ \t]*import\s+(type\s+)?(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\}|\*\s*as\s+[\w$]+)?\s*(?:from\s*)?['"]([^'"]+)['"]/gm;
    const found = [];
    for (const match of source.matchAll(pattern)) {
        if (match[1]) continue;
        const names = (match[3] || '')
            .split(',')
            .map((part) => part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim())
            .filter((name) => name && !/^type\s/.test(name));
        const offset = match.index + match[0].search(/\S/);
        found.push({ module: match[4], names, line: lineOfOffset(source, offset) });
    }
    return found;
}

function editDistance(a, b) {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; ++i) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; ++j) {
            const above = row[j];
            const substitution = diagonal + (a[i - 1] === b[j - 1] ? 0 : 1);
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, substitution);
            diagonal = above;
        }
    }
    return row[b.length];
}

// Words models use for icons that icon sets name otherwise; spelling alone cannot find these.
const synonyms = {
    fire: ['Flame'], gear: ['Settings', 'Cog'], cog: ['Settings'], bin: ['Trash2', 'Trash'],
    garbage: ['Trash2', 'Trash'], delete: ['Trash2', 'Trash'], close: ['X'], cross: ['X'],
    tick: ['Check'], warning: ['AlertTriangle', 'TriangleAlert'], person: ['User'],
    people: ['Users'], envelope: ['Mail'], email: ['Mail'], magnifier: ['Search'],
    graph: ['LineChart', 'ChartLine'], trophycup: ['Trophy'], dollar: ['DollarSign'],
    money: ['DollarSign', 'Banknote'], thumbup: ['ThumbsUp'], thumbsup: ['ThumbsUp'],
};

function similarNames(name, module) {
    const lower = name.toLowerCase();
    const keys = Object.keys(module).filter((key) => key !== 'default' && key !== '__esModule');
    const meant = (synonyms[lower.replace(/icon$/, '')] || []).filter((key) => key in module);
    const spelled = keys
        .map((key) => ({ key, distance: editDistance(lower, key.toLowerCase()) }))
        .filter((entry) => entry.distance <= Math.max(2, name.length / 3))
        .sort((a, b) => a.distance - b.distance || a.key.length - b.key.length)
        .map((entry) => entry.key);
    return [...new Set([...meant, ...spelled])].slice(0, 3);
}

// Every problem with the imports at once, before anything runs: a missing icon should not
// hide a missing library two lines further down.
function checkImports(source) {
    let ok = true;
    for (const entry of importsOf(source)) {
        const module = runtime.modules[entry.module];
        if (!module) {
            const available = (runtime.available || []).join(', ');
            runtime.showError(
                `Library not available in preview: ${entry.module}`,
                `The preview runs offline with these libraries only: ${available}.`,
                entry.line,
                0,
            );
            ok = false;
            continue;
        }
        for (const name of entry.names) {
            if (name in module) continue;
            const similar = similarNames(name, module);
            const hint = similar.length ? ` Did you mean ${similar.join(', ')}?` : '';
            runtime.showError(
                `No export named ${name} in ${entry.module}`,
                `${entry.module} has no export named "${name}".${hint}`,
                entry.line,
                0,
            );
            ok = false;
        }
    }
    return ok;
}

// Capitalised top-level declarations, for code that renders a component it never exports.
function declaredComponents(source) {
    const pattern =
        /^(?:export\s+)?(?:async\s+)?(?:function\s*\*?\s*([A-Z][\w$]*)|(?:const|let|var|class)\s+([A-Z][\w$]*))/gm;
    return [...source.matchAll(pattern)].map((match) => match[1] || match[2]);
}

function positionIn(stack) {
    const match = new RegExp(sourceUrl.replace('.', '\\.') + ':(\\d+):(\\d+)').exec(stack || '');
    return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 0, column: 0 };
}

function showRuntimeError(title, error) {
    const where = positionIn(error && error.stack);
    const message = error && error.message ? `${error.name}: ${error.message}` : String(error);
    runtime.showError(title, message, where.line, where.column);
}

function compile(source, language) {
    const transforms = language === 'tsx' ? ['jsx', 'typescript', 'imports'] : ['jsx', 'imports'];
    try {
        return transform(source, {
            transforms,
            jsxRuntime: 'automatic',
            production: true,
            filePath: sourceUrl,
        }).code;
    } catch (error) {
        const match = /\((\d+):(\d+)\)/.exec(error.message);
        const line = match ? Number(match[1]) : 0;
        const column = match ? Number(match[2]) + 1 : 0;
        const message = error.message
            .replace(/^Error transforming [^:]*: /, '')
            .replace(/\s*\(\d+:\d+\)$/, '');
        runtime.showError('Syntax error', message, line, column);
        return null;
    }
}

function evaluate(code, names) {
    const probe = names.map(
        (name) => `${name}: typeof ${name} === 'undefined' ? undefined : ${name}`);
    const wrapped =
        `(function (require, module, exports) {${code}\n` +
        `;module.declared = {${probe.join(', ')}};\n})` +
        `\n//# sourceURL=${sourceUrl}`;
    const module = { exports: {}, declared: {} };
    const require = (name) => {
        if (name in runtime.modules) return runtime.modules[name];
        throw new Error(`library not available in preview: ${name}`);
    };
    try {
        (0, eval)(wrapped)(require, module, module.exports);
    } catch (error) {
        const title = error instanceof SyntaxError ? 'Syntax error' : 'Error while loading';
        showRuntimeError(title, error);
        return null;
    }
    return module;
}

function isComponent(value) {
    return typeof value === 'function'
        || (value !== null && typeof value === 'object' && '$$typeof' in value);
}

// The default export, else the one exported component, else App, else the last component the
// code declares: models write all of these.
function componentOf(module, names) {
    const exported = module.exports;
    if (isComponent(exported.default)) return exported.default;
    const named = Object.keys(exported).filter(
        (key) => /^[A-Z]/.test(key) && isComponent(exported[key]));
    if (named.length === 1) return exported[named[0]];
    if (named.includes('App')) return exported.App;
    const declared = names.filter((name) => isComponent(module.declared[name]));
    if (declared.includes('App')) return module.declared.App;
    if (declared.length) return module.declared[declared[declared.length - 1]];
    return null;
}

function makeBoundary(React) {
    return class Boundary extends React.Component {
        constructor(props) {
            super(props);
            this.state = { failed: false };
        }
        static getDerivedStateFromError() {
            return { failed: true };
        }
        componentDidCatch(error) {
            showRuntimeError('Error while rendering', error);
        }
        render() {
            return this.state.failed ? null : this.props.children;
        }
    };
}

async function reveal() {
    if (runtime.styled) {
        const styler = await runtime.styled;
        await styler.extractAll();
        await styler.update();
    }
    document.documentElement.classList.remove('tandem-cloak');
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    report({ kind: 'rendered' });
}

let root = null;

function run() {
    const source = runtime.source;
    if (!checkImports(source)) return;

    const code = compile(source, runtime.language);
    if (code === null) return;

    const names = declaredComponents(source);
    const module = evaluate(code, names);
    if (!module) return;

    const Component = componentOf(module, names);
    if (!Component) {
        runtime.showError(
            'No component to show',
            'This code declares no React component. Export one as the default, for example:\n' +
                'export default function App() {\n  return <h1>Hello</h1>;\n}',
            0,
            0,
        );
        return;
    }

    const React = runtime.modules.react;
    const { createRoot } = runtime.modules['react-dom/client'];
    const { flushSync } = runtime.modules['react-dom'];
    root = createRoot(document.getElementById('root'));
    const tree = React.createElement(makeBoundary(React), null, React.createElement(Component));
    flushSync(() => root.render(tree));
    reveal();
}

// An edit of the same component runs in the page already loaded, its libraries parsed and its
// styles generated: the app calls this instead of loading the page again.
runtime.rerun = (source) => {
    if (root) root.unmount();
    root = null;
    runtime.clearErrors();
    runtime.source = source;
    run();
};

window.addEventListener('error', (event) => {
    if (event.error && positionIn(event.error.stack).line > 0)
        showRuntimeError('Error', event.error);
});
window.addEventListener('unhandledrejection',
    (event) => showRuntimeError('Unhandled rejection', event.reason));

run();
