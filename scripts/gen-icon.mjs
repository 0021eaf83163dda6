// Draws the extension icon (images/icon.png, 256×256): a rounded purple square with a small white service
// mesh (four nodes around a centre, all linked). No dependencies: shapes are distance functions sampled 4×4
// per pixel, and the PNG is written with node:zlib. Run `node scripts/gen-icon.mjs`; the PNG is committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 256;
const OUT = 'images/icon.png';

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
// signed distances (negative inside)
const roundedSquare = (x, y, half, r) => {
  const qx = Math.abs(x) - half + r;
  const qy = Math.abs(y) - half + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const segment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const t = clamp((px * dx + py * dy) / (dx * dx + dy * dy), 0, 1);
  return Math.hypot(px - dx * t, py - dy * t) - w;
};

// the mesh, in a -1..1 square
const nodes = [
  [0, -0.52],
  [0.5, 0],
  [0, 0.52],
  [-0.5, 0],
];
const centre = [0, 0];
const links = [...nodes.map((n, i) => [n, nodes[(i + 1) % nodes.length]]), ...nodes.map((n) => [n, centre])];

function sample(x, y) {
  // returns [r, g, b, a] in 0..1 for one point
  const bg = roundedSquare(x, y, 0.96, 0.26);
  if (bg > 0) return [0, 0, 0, 0];
  const t = (x + y + 2) / 4; // diagonal gradient
  let r = 0.36 + (0.16 - 0.36) * t;
  let g = 0.18 + (0.06 - 0.18) * t;
  let b = 0.9 + (0.45 - 0.9) * t;
  let mesh = Infinity;
  for (const [a, c] of links) mesh = Math.min(mesh, segment(x, y, a[0], a[1], c[0], c[1], 0.035));
  for (const n of nodes) mesh = Math.min(mesh, circle(x, y, n[0], n[1], 0.15));
  mesh = Math.min(mesh, circle(x, y, centre[0], centre[1], 0.2));
  if (mesh <= 0) {
    // the centre node is teal, the others white
    const inCentre = circle(x, y, 0, 0, 0.2) <= 0;
    [r, g, b] = inCentre ? [0.2, 0.85, 0.75] : [1, 1, 1];
  }
  return [r, g, b, 1];
}

const SS = 4;
const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++)
      for (let sx = 0; sx < SS; sx++) {
        const x = ((px + (sx + 0.5) / SS) / SIZE) * 2 - 1;
        const y = ((py + (sy + 0.5) / SS) / SIZE) * 2 - 1;
        const [r, g, b, a] = sample(x, y);
        acc[0] += r * a;
        acc[1] += g * a;
        acc[2] += b * a;
        acc[3] += a;
      }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    const a = acc[3] / (SS * SS);
    raw[o] = a ? Math.round((acc[0] / acc[3]) * 255) : 0;
    raw[o + 1] = a ? Math.round((acc[1] / acc[3]) * 255) : 0;
    raw[o + 2] = a ? Math.round((acc[2] / acc[3]) * 255) : 0;
    raw[o + 3] = Math.round(a * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('images', { recursive: true });
writeFileSync(OUT, png);
console.log(`${OUT}: ${SIZE}×${SIZE}, ${png.length} bytes`);
