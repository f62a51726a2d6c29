// Child process for the kill test: rewrites status.json and meta.json atomically, forever. Plain
// JavaScript on the built modules (dist/), so that each of the many spawns starts in milliseconds.
import {join} from 'node:path'

import {writeFileAtomic} from '../../dist/core/io/atomic-write.js'
import {pythonJsonDocument} from '../../dist/core/io/python-json.js'

const dir = process.argv[2]
const big = Object.fromEntries(Array.from({length: 2000}, (_, i) => [`WP${String(i).padStart(4, '0')}`, {lane: 'planned', n: i}]))
for (let i = 0; ; i++) {
  writeFileAtomic(join(dir, 'status.json'), pythonJsonDocument({i, work_packages: big}))
  writeFileAtomic(join(dir, 'meta.json'), pythonJsonDocument({i, slug: 'demo'}))
  // Both files exist from here on, so every kill from now on lands mid-rewrite.
  if (i === 0) process.stdout.write('ready\n')
}
