import {expect} from 'chai'

import {escapeHtml, html} from '../../../src/dashboard/html.js'
import {markdownToHtml} from '../../../src/dashboard/markdown.js'

describe('dashboard markup: everything from a file is text', () => {
  it('escapes every interpolated value, in arrays too, and keeps Html as it is', () => {
    const title = '<img src=x onerror="alert(1)">'
    expect(html`<h1>${title}</h1>`.text).to.equal('<h1>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</h1>')
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.text).to.equal('<ul>&lt;a&gt;<li>ok</li></ul>')
    expect(html`${null}${undefined}${false}${0}`.text).to.equal('0')
    expect(escapeHtml('\'&"')).to.equal('&#39;&amp;&quot;')
  })

  it('renders a prompt file\'s Markdown without letting it inject markup or script links', () => {
    const out = markdownToHtml([
      '---',
      'title: "<b>x</b>"',
      '---',
      '# Setup <script>alert(1)</script>',
      '',
      '- [ ] build **it**',
      '- [x] `done`',
      '',
      'See [docs](https://example.com/a?b=1) and [bad](javascript:alert(1)), a lone ` and a lone **.',
      '```',
      '<script>alert(2)</script>',
      '```',
      '> quoted',
      '***',
    ].join('\n')).text
    expect(out).not.to.match(/<script|<b>x/)
    expect(out).to.contain('<pre><code>title: &quot;&lt;b&gt;x&lt;/b&gt;&quot;</code></pre>')
    expect(out).to.contain('<h2>Setup &lt;script&gt;alert(1)&lt;/script&gt;</h2>')
    expect(out).to.contain('<li class="task"><input type="checkbox" disabled> build <strong>it</strong></li>')
    expect(out).to.contain('<li class="task"><input type="checkbox" disabled checked> <code>done</code></li>')
    expect(out).to.contain('<a href="https://example.com/a?b=1" rel="noreferrer noopener">docs</a>')
    expect(out).to.contain('a lone ` and a lone **.')
    expect(out).to.contain('[bad](javascript:alert(1))')
    expect(out).to.contain('<pre><code>&lt;script&gt;alert(2)&lt;/script&gt;</code></pre>')
    expect(out).to.contain('<blockquote>quoted</blockquote>')
    expect(out).to.contain('<hr>')
  })
})
