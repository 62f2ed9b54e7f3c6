/** One replacement picture for both libraries: a detailed (not flat) 1280x720 scene drawn on a canvas. */
let cached: Promise<Blob> | undefined;

export function backgroundImage(): Promise<Blob> {
  cached ??= (async () => {
    const canvas = new OffscreenCanvas(1280, 720);
    const ctx = canvas.getContext('2d')!;
    const sky = ctx.createLinearGradient(0, 0, 0, 720);
    sky.addColorStop(0, '#4a7bd0');
    sky.addColorStop(1, '#e8c48a');
    ctx.fillStyle = sky;
    ctx.fillRect(0, 0, 1280, 720);
    for (let i = 0; i < 60; i++) {
      ctx.fillStyle = `hsl(${(i * 47) % 360} 45% ${35 + (i % 5) * 8}%)`;
      ctx.fillRect((i * 211) % 1280, 380 + ((i * 37) % 200), 40 + (i % 7) * 12, 340);
    }
    return canvas.convertToBlob({ type: 'image/png' });
  })();
  return cached;
}
