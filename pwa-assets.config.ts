import { defineConfig, minimal2023Preset } from '@vite-pwa/assets-generator/config';

// `npm run icons` makes every PNG icon from the one SVG source, public/icons/waymark.svg.
export default defineConfig({
  headLinkOptions: { preset: '2023' },
  preset: {
    ...minimal2023Preset,
    maskable: { ...minimal2023Preset.maskable, padding: 0.1, resizeOptions: { background: '#1d4e5f' } },
    apple: { ...minimal2023Preset.apple, padding: 0.1, resizeOptions: { background: '#1d4e5f' } },
  },
  images: ['public/icons/waymark.svg'],
});
