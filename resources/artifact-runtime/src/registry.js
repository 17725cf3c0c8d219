// The module table artifact code imports from. Each runtime file adds its libraries here, so a
// page carries only what its artifact imports, and all of them share one React.
const runtime = (globalThis.TandemRuntime = globalThis.TandemRuntime || {
    modules: {},
});

// Gives every library the shape Sucrase's import transform expects of an ES module.
export function define(name, namespace) {
    const module = { ...namespace, __esModule: true };
    module.default = namespace.default !== undefined ? namespace.default : namespace;
    runtime.modules[name] = module;
}

// Problems and events go to the app as console lines with this prefix and a JSON body: the
// console is the only way out of the page, and the page cannot call into the app.
export function report(event) {
    const line = '[tandem] ' + JSON.stringify(event);
    if (event.kind === 'error') console.error(line);
    else console.info(line);
}

export default runtime;
