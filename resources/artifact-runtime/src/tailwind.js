// Tailwind utility classes through UnoCSS's runtime, which renders Tailwind's exact colours in
// Chromium 102 (Tailwind 4's own browser build relies on oklch(), which this engine lacks).
import initUnocssRuntime from '@unocss/runtime';
import { presetWind3 } from '@unocss/preset-wind3';
import resetCss from '@unocss/reset/tailwind.css';

// Gradients are written `in oklch` by the preset; Chromium 102 drops the whole declaration.
function withoutOklchInterpolation(util) {
    for (const entry of util.entries) {
        if (typeof entry[1] === 'string') entry[1] = entry[1].replace(/ in oklch/g, '');
    }
}

const reset = document.createElement('style');
reset.textContent = resetCss;
document.head.prepend(reset);

globalThis.TandemRuntime.styled = new Promise((resolve) => {
    initUnocssRuntime({
        defaults: { presets: [presetWind3()], postprocess: [withoutOklchInterpolation] },
        ready: (runtime) => {
            resolve(runtime);
            return true;
        },
    });
});
