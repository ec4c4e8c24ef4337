import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { qrPng, type Badge } from "./badges";

/*
 * The badges as a PDF: one badge-sized page per member (3.5 × 5.5 in, portrait), to print and cut or to print on
 * card stock. The standard PDF fonts cover Western European text only: a letter outside it loses its accent when it
 * has one ("ő" → "o") and prints as "?" otherwise ("Ł", "李"), rather than failing the whole download.
 */

const WIDTH = 252;
const HEIGHT = 396;
const MARGIN = 18;
const BAND = 64;
const QR_SIZE = 150;
const BRAND = rgb(0.918, 0.345, 0.047);
const INK = rgb(0.122, 0.161, 0.216);
const MUTED = rgb(0.392, 0.455, 0.545);

/** The text with every character the font cannot draw replaced: accents dropped where that helps, else "?". */
export function printable(text: string, font: PDFFont): string {
  const drawable = new Set(font.getCharacterSet());
  return Array.from(text.normalize("NFC"), (char) => {
    if (drawable.has(char.codePointAt(0)!)) return char;
    const plain = char.normalize("NFKD").replace(/\p{M}/gu, "");
    return plain && Array.from(plain).every((c) => drawable.has(c.codePointAt(0)!)) ? plain : "?";
  }).join("");
}

/** Draws a line of text centred, shrunk down to `minSize` to fit the width, then cut with an ellipsis. */
function centred(page: PDFPage, raw: string, opts: { font: PDFFont; size: number; minSize?: number; y: number; color: ReturnType<typeof rgb> }) {
  const { font, y, color } = opts;
  const room = WIDTH - 2 * MARGIN;
  let text = printable(raw, font);
  let size = opts.size;
  while (size > (opts.minSize ?? opts.size) && font.widthOfTextAtSize(text, size) > room) size -= 1;
  while (text.length > 1 && font.widthOfTextAtSize(text, size) > room) text = `${text.slice(0, -2)}…`;
  page.drawText(text, { x: (WIDTH - font.widthOfTextAtSize(text, size)) / 2, y, size, font, color });
}

export async function badgesPdf(projectName: string, badges: readonly Badge[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Safety badges: ${projectName}`);
  pdf.setCreator("Smartapp for Procore");
  const [regular, bold] = await Promise.all([pdf.embedFont(StandardFonts.Helvetica), pdf.embedFont(StandardFonts.HelveticaBold)]);

  for (const badge of badges) {
    const page = pdf.addPage([WIDTH, HEIGHT]);
    page.drawRectangle({ x: 0, y: HEIGHT - BAND, width: WIDTH, height: BAND, color: BRAND });
    centred(page, "SAFETY BADGE", { font: bold, size: 11, y: HEIGHT - 26, color: rgb(1, 1, 1) });
    centred(page, badge.projectName, { font: regular, size: 10, minSize: 7, y: HEIGHT - 44, color: rgb(1, 1, 1) });

    page.drawCircle({ x: WIDTH / 2, y: HEIGHT - BAND - 36, size: 24, color: rgb(0.996, 0.929, 0.835) });
    centred(page, badge.initials, { font: bold, size: 18, y: HEIGHT - BAND - 42, color: BRAND });

    centred(page, badge.name, { font: bold, size: 18, minSize: 10, y: HEIGHT - BAND - 90, color: INK });
    centred(page, badge.company ?? "No company", { font: regular, size: 12, minSize: 8, y: HEIGHT - BAND - 110, color: INK });
    centred(page, badge.role ?? "", { font: regular, size: 11, minSize: 8, y: HEIGHT - BAND - 126, color: MUTED });

    const qr = await pdf.embedPng(await qrPng(badge.url));
    page.drawImage(qr, { x: (WIDTH - QR_SIZE) / 2, y: MARGIN + 14, width: QR_SIZE, height: QR_SIZE });
    centred(page, "Scan to check this badge", { font: regular, size: 8, y: MARGIN, color: MUTED });
  }
  return pdf.save();
}
