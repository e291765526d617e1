// A Markdown link whose visible text looks like an address shows its real destination when that
// differs (issue 8, principle 9): "[https://bank.example](https://evil.example)" must not pass for a
// link to the bank.
import { hostNamedBy, renderMarkdown } from "../../node/http/pages/markdown";

const html = (md: string) => String(renderMarkdown(md));

describe("links that name another address", () => {
  it("shows the real destination after a link whose text is a different URL", () => {
    const out = html("Submit at [https://bank.example/login](https://evil.example/phish).");
    expect(out).toContain('href="https://evil.example/phish"');
    expect(out).toMatch(/>https:\/\/bank\.example\/login<\/a> \(evil\.example\)/);
  });

  it("does the same for a bare domain or www. name as link text", () => {
    expect(html("[www.ted.europa.eu](https://ted-europa.example)")).toContain("</a> (ted-europa.example)");
    expect(html("[portal.example.gov](https://other.example)")).toContain("</a> (other.example)");
  });

  it("compares internationalised names by their real host", () => {
    expect(html("[https://bаnk.example](https://bank.example)")).toContain("</a> (bank.example)"); // Cyrillic а in the text
  });

  it("leaves honest links and ordinary link text alone", () => {
    expect(html("[https://ted.europa.eu/notice](https://ted.europa.eu/en/notice)")).not.toMatch(/<\/a> \(/);
    expect(html("[the tender documents](https://evil.example/docs)")).not.toMatch(/<\/a> \(/);
    expect(html("See https://www.example.org/x for details")).not.toMatch(/<\/a> \(/);
    expect(html("[www.example.org](https://example.org/page)")).not.toMatch(/<\/a> \(/);
  });

  it("recognises what counts as an address", () => {
    expect(hostNamedBy("https://Bank.Example/login")).toBe("bank.example");
    expect(hostNamedBy("www.bank.example")).toBe("bank.example");
    expect(hostNamedBy("the bank")).toBeNull();
    expect(hostNamedBy("version 1.2 notes")).toBeNull();
  });
});
