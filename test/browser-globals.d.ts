// The browser tests pass functions to page.evaluate / waitForFunction; they run in the page, not in Node, and
// use only these (the DOM library itself would change the types of fetch for the Node code the tests import).
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selector: string): PageElement | null };
declare const localStorage: { clear(): void };
