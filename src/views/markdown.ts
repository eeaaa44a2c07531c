/** Keep server-supplied text from being read as Markdown or codicon syntax in hovers and tooltips. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, (c) => `\\${c}`);
}
