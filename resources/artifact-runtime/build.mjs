// Bundles the artifact runtime into OUTDIR for Chromium 102, one file per library so that a
// page loads only what its artifact imports. Run by the build from the folder that holds the
// installed node_modules: node build.mjs OUTDIR
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { build } = createRequire(path.join(process.cwd(), 'package.json'))('esbuild');
const outdir = path.resolve(process.argv[2] || 'dist');

// Libraries an artifact may import, each wrapped as its own file.
const libraries = {
    recharts: 'recharts',
    'lucide-react': 'lucide-react',
    lodash: 'lodash',
    d3: 'd3',
    papaparse: 'papaparse',
    mathjs: 'mathjs',
};

// Library files take React from the table react.js fills, so a page has exactly one React.
const sharedReact = {
    name: 'shared-react',
    setup(builder) {
        const shared = /^(react|react-dom|react-dom\/client|react\/jsx-runtime)$/;
        builder.onResolve({ filter: shared }, (args) => ({ path: args.path, namespace: 'shared' }));
        builder.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({
            contents: 'module.exports = globalThis.TandemRuntime.modules['
                + `${JSON.stringify(args.path)}];`,
            loader: 'js',
        }));
    },
};

const common = {
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'chrome102',
    legalComments: 'none',
    loader: { '.css': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    nodePaths: [path.join(process.cwd(), 'node_modules')],
};

function fromSource(name) {
    return build({ ...common, entryPoints: [path.join(here, 'src', `${name}.js`)],
        outfile: path.join(outdir, `${name}.js`) });
}

function library(file, module) {
    const contents =
        `import * as namespace from ${JSON.stringify(module)};\n` +
        `import { define } from ${JSON.stringify(path.join(here, 'src', 'registry.js'))};\n` +
        `define(${JSON.stringify(module)}, namespace);\n`;
    return build({ ...common, plugins: [sharedReact], outfile: path.join(outdir, `${file}.js`),
        stdin: { contents, resolveDir: process.cwd(), loader: 'js' } });
}

await mkdir(outdir, { recursive: true });
await Promise.all([
    ...['react', 'tailwind', 'react-artifact', 'markdown', 'mermaid'].map(fromSource),
    ...Object.entries(libraries).map(([file, module]) => library(file, module)),
]);
// Only the benchmark loads Babel: it is the transform the anchors use, measured against ours.
await copyFile(path.join(process.cwd(), 'node_modules/@babel/standalone/babel.min.js'),
    path.join(outdir, 'babel-standalone.js'));
