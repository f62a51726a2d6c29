import {expect} from 'chai'
import {type ChildProcess, spawn} from 'node:child_process'
import {
  existsSync, mkdirSync, statSync, writeFileSync,
} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'
import {type Browser, chromium} from 'playwright-core'

import {createMission, TWO_WP_TASKS} from '../support/missions.js'
import {parseJson, Sandbox} from '../support/sandbox.js'
import {assertSchema} from '../support/schemas.js'

interface Started {
  child: ChildProcess
  document: {pid: number; port: number; reused: boolean; url: string}
  exited: Promise<null | number>
}

/** Start `spec-kitty dashboard --json` and wait for its one document (it keeps serving afterwards). */
async function startDashboard(sandbox: Sandbox): Promise<Started> {
  const child = spawn(process.execPath, [sandbox.bin, 'dashboard', '--json'], {cwd: sandbox.repo, env: sandbox.env})
  const exited = new Promise<null | number>(done => {
    child.on('close', code => done(code))
  })
  let stdout = ''
  const document = await new Promise<Started['document']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no document within 20 s: ${stdout}`)), 20_000)
    child.stdout!.on('data', chunk => {
      stdout += chunk
      try {
        resolve(JSON.parse(stdout))
        clearTimeout(timer)
      } catch {
        // not complete yet
      }
    })
  })
  return {child, document, exited}
}

/** A raw request, so that the Host header and the method are ours to choose. */
function get(port: number, path: string, options: {host?: string; method?: string} = {}): Promise<{body: string; status: number}> {
  return new Promise((resolve, reject) => {
    const req = request({
      headers: {host: options.host ?? `127.0.0.1:${port}`}, host: '127.0.0.1', method: options.method ?? 'GET', path, port,
    }, response => {
      let body = ''
      response.on('data', chunk => {
        body += chunk
      })
      response.on('end', () => resolve({body, status: response.statusCode ?? 0}))
    })
    req.on('error', reject)
    req.end()
  })
}

const HOSTILE_TITLE = '<img src=x onerror=window.__xss=1>'
const PROMPT = `---\nwork_package_id: WP01\ntitle: "${HOSTILE_TITLE}"\nsubtasks: [T001, T002]\n---\n# Setup\n\n- [ ] build **it**\n\n<script>window.__xss=2</script>\n`

describe('spec-kitty dashboard', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let slug: string
  let started: Started | undefined

  beforeEach(() => {
    sandbox = new Sandbox()
    sandbox.initProject()
    slug = createMission(sandbox, TWO_WP_TASKS, {'WP01-setup.md': PROMPT}).slug
  })

  afterEach(async () => {
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGTERM')
      await started.exited
    }

    started = undefined
    sandbox.cleanup()
  })

  it('serves on 127.0.0.1 behind the token and a loopback Host, read-only; a second start reuses it; --stop stops it', async () => {
    started = await startDashboard(sandbox)
    const {document} = started
    assertSchema('dashboard', document)
    expect(document).to.include({pid: started.child.pid, reused: false})
    expect(document.url).to.match(new RegExp(`^http://127\\.0\\.0\\.1:${document.port}/\\?token=[\\da-f]{64}$`))
    const token = new URL(document.url).searchParams.get('token')!
    const state = join(sandbox.repo, '.kittify', 'runtime', 'dashboard.json')
    expect(statSync(state).mode.toString(8)).to.match(/600$/)
    expect(sandbox.git(['status', '--porcelain'])).not.to.contain('.kittify/runtime')

    const board = await get(document.port, `/missions/${slug}?token=${token}`)
    expect(board.status).to.equal(200)
    expect(board.body).to.contain('data-wp="WP01"').and.to.contain('data-wp="WP02"')
    expect(board.body).not.to.contain(HOSTILE_TITLE)
    expect(board.body).to.contain('&lt;img src=x onerror=window.__xss=1&gt;')
    expect((await get(document.port, `/missions/${slug}`)).status, 'no token').to.equal(403)
    expect((await get(document.port, `/missions/${slug}?token=${'0'.repeat(64)}`)).status, 'wrong token').to.equal(403)
    expect((await get(document.port, `/?token=${token}`, {host: 'evil.example:80'})).status, 'DNS rebinding').to.equal(403)
    expect((await get(document.port, `/?token=${token}`, {method: 'POST'})).status, 'read-only').to.equal(405)
    expect((await get(document.port, `/missions/..%2F..%2Fetc?token=${token}`)).status).to.equal(404)
    expect((await get(document.port, `/missions/no-such-mission?token=${token}`)).status).to.equal(404)

    const again = sandbox.cli(['dashboard', '--json'])
    expect(parseJson(again.stdout)).to.deep.equal({...document, reused: true})
    const stop = sandbox.cli(['dashboard', '--stop', '--json'])
    assertSchema('dashboard', parseJson(stop.stdout))
    expect(parseJson(stop.stdout)).to.deep.equal({pid: document.pid, stopped: true})
    expect(await started.exited).to.equal(0)
    expect(existsSync(state)).to.equal(false)
    expect(parseJson(sandbox.cli(['dashboard', '--stop', '--json']).stdout)).to.deep.equal({stopped: false})
  })

  it('a mission that cannot be read shows its error and the others still show', async () => {
    const broken = createMission(sandbox, TWO_WP_TASKS, {}, 'broken-widgets')
    writeFileSync(join(broken.primaryDir, 'meta.json'), '{not json')
    started = await startDashboard(sandbox)
    const token = new URL(started.document.url).searchParams.get('token')!
    const list = await get(started.document.port, `/?token=${token}`)
    expect(list.status).to.equal(200)
    expect(list.body).to.match(new RegExp(`class="broken" data-mission="${broken.slug}"`))
    expect(list.body).to.contain(`href="/missions/${slug}?token=${token}"`)
    const page = await get(started.document.port, `/missions/${broken.slug}?token=${token}`)
    expect(page.status).to.equal(500)
    expect(page.body).to.contain('This mission cannot be shown')
  })

  describe('in a real browser (headless Chromium)', () => {
    let browser: Browser | undefined
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

    before(async function () {
      // .ci/run installs Debian's chromium when it is missing, so CI never skips; a developer machine may lack it.
      if (!existsSync(executablePath)) {
        if (process.env.CI) throw new Error(`no Chromium at ${executablePath}: .ci/run should have installed it`)
        this.skip() // reason: no Chromium at CHROMIUM_PATH or /usr/bin/chromium (apt-get install chromium)
      }

      browser = await chromium.launch({args: ['--no-sandbox'], executablePath})
    })

    after(async () => browser?.close())

    it('shows the board as status --json has it, moves a card live without a reload, escapes a hostile title; a screenshot is saved', async () => {
      started = await startDashboard(sandbox)
      const page = await browser!.newPage({viewport: {height: 720, width: 1280}})
      const boardUrl = started.document.url.replace('/?', `/missions/${slug}?`)
      const response = await page.goto(boardUrl)
      expect(response?.status()).to.equal(200)

      const onPage = () => page.$$eval('section.column', columns => columns.map(column => [column.dataset.lane, [...column.querySelectorAll('article.card')].map(card => card.dataset.wp)]))
      const fromCli = () => {
        const status = parseJson(sandbox.cli(['agent', 'tasks', 'status', '--mission', slug, '--json']).stdout) as {work_packages: Array<{id: string; lane: string}>}
        return status.work_packages.map(wp => [wp.lane, wp.id])
      }

      const cards = (columns: Array<[null | string, Array<null | string>]>) => columns.flatMap(([lane, ids]) => ids.map(id => [lane, id]))
      expect(cards(await onPage() as Array<[string, string[]]>)).to.have.deep.members(fromCli())
      expect((await onPage()).map(([lane]) => lane)).to.deep.equal(['planned', 'claimed', 'in_progress', 'for_review', 'in_review', 'approved', 'done'])

      // The hostile title is text: no element from it, no script run.
      const title = await page.textContent('article[data-wp="WP01"] .title')
      expect(title).to.contain(HOSTILE_TITLE)
      expect(await page.$$eval('main img, main script', found => found.length)).to.equal(0)
      expect(await page.evaluate(() => (globalThis as {__xss?: unknown}).__xss)).to.equal(undefined)

      await page.evaluate(() => {
        (globalThis as {__sameDocument?: boolean}).__sameDocument = true
      })
      await page.waitForSelector('#live:not([hidden])')
      const moved = sandbox.cli(['agent', 'tasks', 'move-task', 'WP01', '--to', 'claimed', '--mission', slug, '--agent', 'claude', '--json'])
      expect(moved.code, moved.stdout).to.equal(0)
      await page.waitForSelector('section[data-lane="claimed"] article[data-wp="WP01"]', {timeout: 15_000})
      expect(await page.evaluate(() => (globalThis as {__sameDocument?: boolean}).__sameDocument), 'the page reloaded').to.equal(true)
      expect(await page.textContent('section[data-lane="claimed"] article[data-wp="WP01"] .agent')).to.equal('claude')
      expect(cards(await onPage() as Array<[string, string[]]>)).to.have.deep.members(fromCli())

      const denied = await page.goto(boardUrl.replace(/\?token=[\da-f]+/, ''))
      expect(denied?.status()).to.equal(403)

      await page.goto(boardUrl)
      const shots = process.env.SPEC_KITTY_SCREENSHOT_DIR ?? join(sandbox.dir, 'screenshots')
      mkdirSync(shots, {recursive: true})
      const shot = join(shots, 'dashboard.png')
      await page.screenshot({path: shot})
      expect(statSync(shot).size).to.be.greaterThan(10_000)
    })
  })
})
