// Measures the JSX transforms a preview could run in the page, on the same components, side by
// side: the time to load each transform (parse and start its browser build in a fresh
// context) and the time to turn each component into a runnable CommonJS module.
// Usage: node jsx_transforms.mjs NPM_DIR   (NPM_DIR holds the runtime's node_modules)
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = path.resolve(process.argv[2] || 'build/artifact-runtime/npm');
const require = createRequire(path.join(npmDir, 'package.json'));
const dataDir = path.join(here, '../artifacts/data');
const loadRuns = 7;
const transformRuns = 40;

// Six renamed copies of the dashboard in one file stand for a large artifact (~370 lines).
const components = readdirSync(dataDir)
    .filter((name) => /\.(jsx|tsx)$/.test(name))
    .map((name) => ({ name, code: readFileSync(path.join(dataDir, name), 'utf8') }));
const dashboard = components.find((c) => c.name === 'sales-dashboard.jsx').code;
const imports = dashboard.split('\n').filter((line) => line.startsWith('import ')).join('\n');
const body = dashboard.split('\n').filter((line) => !line.startsWith('import ')).join('\n')
    .replace(/export default /g, '');
const copies = [0, 1, 2, 3, 4, 5].map((i) =>
    body.replace(/\b(SalesDashboard|StatCard|csv)\b/g, (name) => name + i));
components.push({ name: 'large (6 dashboards)', code: [imports, ...copies].join('\n') });

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function bundleOf(entry, globalName) {
    const { buildSync } = require('esbuild');
    const result = buildSync({
        stdin: { contents: entry, resolveDir: npmDir }, bundle: true, minify: true, write: false,
        format: 'iife', globalName, target: 'chrome102', logLevel: 'silent',
        define: { 'process.env.NODE_ENV': '"production"' },
    });
    return result.outputFiles[0].text;
}

// Loading in a fresh context each time, as a freshly opened page would.
function loadTime(source, globalName) {
    const times = [];
    let api = null;
    for (let i = 0; i < loadRuns; ++i) {
        const context = vm.createContext(
            { console, setTimeout, clearTimeout, URL, TextEncoder, TextDecoder });
        context.self = context.window = context.globalThis = context;
        const start = performance.now();
        new vm.Script(source).runInContext(context);
        times.push(performance.now() - start);
        api = context[globalName];
    }
    return { ms: median(times), api };
}

const candidates = [
    {
        name: 'sucrase',
        source: () => bundleOf(`export { transform } from 'sucrase';`, 'Sucrase'),
        globalName: 'Sucrase',
        transform: (api, code, name) => api.transform(code, {
            transforms: name.endsWith('.tsx') ? ['jsx', 'typescript', 'imports']
                                              : ['jsx', 'imports'],
            jsxRuntime: 'automatic', production: true,
        }).code,
    },
    {
        name: 'babel-standalone',
        source: () => readFileSync(require.resolve('@babel/standalone/babel.min.js'), 'utf8'),
        globalName: 'Babel',
        transform: (api, code, name) => api.transform(code, {
            filename: name.endsWith('.tsx') ? 'a.tsx' : 'a.jsx',
            presets: [['react', { runtime: 'automatic' }],
                ...(name.endsWith('.tsx') ? ['typescript'] : [])],
            plugins: ['transform-modules-commonjs'],
        }).code,
    },
];

const rows = [];
for (const candidate of candidates) {
    const source = candidate.source();
    const { ms, api } = loadTime(source, candidate.globalName);
    const row = { name: candidate.name, size: source.length, load: ms, times: {} };
    for (const component of components) {
        // warm up
        for (let i = 0; i < 5; ++i) candidate.transform(api, component.code, component.name);
        const times = [];
        for (let i = 0; i < transformRuns; ++i) {
            const start = performance.now();
            candidate.transform(api, component.code, component.name);
            times.push(performance.now() - start);
        }
        row.times[component.name] = median(times);
    }
    rows.push(row);
}

// esbuild's WebAssembly build: the fastest transform, but its 10 MB module must be compiled
// before the first call, and its API is asynchronous.
{
    const esbuild = require('esbuild-wasm');
    const wasm = readFileSync(require.resolve('esbuild-wasm/esbuild.wasm'));
    const start = performance.now();
    await WebAssembly.compile(wasm);
    const compileMs = performance.now() - start;
    const row = { name: 'esbuild-wasm', size: wasm.length, load: compileMs, times: {} };
    for (const component of components) {
        const loader = component.name.endsWith('.tsx') ? 'tsx' : 'jsx';
        const options = { loader, format: 'cjs', jsx: 'automatic' };
        await esbuild.transform(component.code, options);
        const times = [];
        for (let i = 0; i < transformRuns; ++i) {
            const t = performance.now();
            await esbuild.transform(component.code, options);
            times.push(performance.now() - t);
        }
        row.times[component.name] = median(times);
    }
    await esbuild.stop?.();
    rows.push(row);
}

const pad = (text, width) => String(text).padEnd(width);
const number = (value) => value.toFixed(2).padStart(9);
console.log(`JSX transforms: medians in ms (load ${loadRuns} runs, `
    + `transform ${transformRuns} runs, node ${process.version})`);
console.log(pad('component', 26) + rows.map((row) => row.name.padStart(18)).join(''));
const column = (value) => value.padStart(18);
console.log(pad('load (parse + start)', 26) + rows.map((row) => column(number(row.load))).join(''));
console.log(pad('bundle size (KB)', 26)
    + rows.map((row) => column((row.size / 1024).toFixed(0))).join(''));
for (const component of components)
    console.log(pad(component.name, 26)
        + rows.map((row) => column(number(row.times[component.name]))).join(''));
const sucrase = rows.find((row) => row.name === 'sucrase');
const babel = rows.find((row) => row.name === 'babel-standalone');
const first = components[0].name;
const speedup = (babel.load + babel.times[first]) / (sucrase.load + sucrase.times[first]);
console.log(`jsx: sucrase ${sucrase.load.toFixed(1)} ms load + `
    + `${sucrase.times[first].toFixed(2)} ms per component, `
    + `${speedup.toFixed(1)}x faster than babel-standalone to a first render`);
