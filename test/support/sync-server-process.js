// Start test/support/sync-server-main.ts in a child process and talk to it over stdin/stdout.
// Plain JavaScript so that the benchmarks (run by plain node) can use it too.
import {spawn} from 'node:child_process'
import {dirname, join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The server's URL, `send(command)` (answers with the server's reply line) and `stop()`.
 * @returns {Promise<object>} the running server's handle
 */
export async function startSyncServerProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'sync-server-main.ts')], {cwd: root, stdio: ['pipe', 'pipe', 'inherit']})
  const lines = createInterface({input: child.stdout})[Symbol.asyncIterator]()
  const {value: url} = await lines.next()
  if (!url) throw new Error('the test sync server did not start')
  return {
    async send(command) {
      child.stdin.write(`${command}\n`)
      return (await lines.next()).value
    },
    stop: () => child.kill(),
    url,
  }
}
