// Scratch: what a 640x480 output picture costs Firefox's worker to turn into something the page can show.
import { createServer } from 'node:http';
import { launchFirefox } from '../test/support/firefox.js';

const W = Number(process.env.W ?? 640), H = Number(process.env.H ?? 480), N = 60;
const worker = `
const W=${W},H=${H},N=${N};
const canvas = new OffscreenCanvas(W,H);
const ctx = canvas.getContext('2d');
const rgba = new ImageData(W,H);
for (let i=0;i<rgba.data.length;i++) rgba.data[i]=(i*7)&255;
const bgrx = new Uint8Array(rgba.data);
const res = {};
async function time(name, fn){ for(let i=0;i<5;i++){ const b=await fn(); b&&b.close&&b.close(); }
  const t=performance.now(); for(let i=0;i<N;i++){ const b=await fn(); b&&b.close&&b.close(); } res[name]=((performance.now()-t)/N).toFixed(2); }
onmessage = async () => {
  await time('putImageData+transferToImageBitmap', () => { ctx.putImageData(rgba,0,0); return canvas.transferToImageBitmap(); });
  await time('createImageBitmap(ImageData)', () => createImageBitmap(rgba));
  await time('new VideoFrame(RGBA)', () => new VideoFrame(rgba.data, {format:'RGBA', codedWidth:W, codedHeight:H, timestamp:0}));
  await time('new VideoFrame(BGRX)', () => new VideoFrame(bgrx, {format:'BGRX', codedWidth:W, codedHeight:H, timestamp:0}));
  await time('createImageBitmap(VideoFrame RGBA)', async () => { const f=new VideoFrame(rgba.data, {format:'RGBA', codedWidth:W, codedHeight:H, timestamp:0}); const b=await createImageBitmap(f); f.close(); return b; });
  await time('createImageBitmap(VideoFrame BGRX)', async () => { const f=new VideoFrame(bgrx, {format:'BGRX', codedWidth:W, codedHeight:H, timestamp:0}); const b=await createImageBitmap(f); f.close(); return b; });
  await time('createImageBitmap(VideoFrame RGBX)', async () => { const f=new VideoFrame(bgrx, {format:'RGBX', codedWidth:W, codedHeight:H, timestamp:0}); const b=await createImageBitmap(f); f.close(); return b; });
  const i420 = new Uint8Array(W*H*3/2).fill(128);
  await time('createImageBitmap(VideoFrame I420)', async () => { const f=new VideoFrame(i420, {format:'I420', codedWidth:W, codedHeight:H, timestamp:0}); const b=await createImageBitmap(f); f.close(); return b; });
  await time('drawImage(VideoFrame BGRX)+transfer', () => { const f=new VideoFrame(bgrx, {format:'BGRX', codedWidth:W, codedHeight:H, timestamp:0}); ctx.drawImage(f,0,0); f.close(); return canvas.transferToImageBitmap(); });
  postMessage(res);
};`;
const page = `<!doctype html><body><canvas id=c></canvas><script>
window.run = () => new Promise((resolve) => {
  const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(worker)}], {type:'text/javascript'})));
  w.onmessage = (e) => resolve(e.data); w.postMessage(0);
});
</script>`;
const server = createServer((_, res) => { res.setHeader('content-type', 'text/html'); res.end(page); }).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
const ff = await launchFirefox();
try {
  const p = await ff.browser.newPage();
  await p.goto(`http://127.0.0.1:${port}/`);
  const res = await p.evaluate(() => (window as unknown as { run(): Promise<unknown> }).run());
  console.log(`${W}x${H} ms per call:`, res);
} finally {
  await ff.close();
  server.close();
}
