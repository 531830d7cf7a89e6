// Render one ZPL label to PNG (base64 on stdout) with zpl-renderer-js, an offline
// WebAssembly build of zebrash. Usage: node render_zpl.cjs FILE WIDTH_MM HEIGHT_MM DPMM
const { ready } = require("zpl-renderer-js");
const fs = require("node:fs");

(async () => {
  const { api } = await ready;
  const [file, width, height, dpmm] = process.argv.slice(2);
  const zpl = fs.readFileSync(file, "utf8");
  process.stdout.write(await api.zplToBase64Async(zpl, Number(width), Number(height), Number(dpmm)));
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
