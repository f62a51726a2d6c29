import {API_VERSION, type SpecKittyRuntime} from '../api/index.js'
import {gitReadOnly} from './git/git.js'
import {writeFileAtomic} from './io/atomic-write.js'
import {tryAcquireLock} from './io/file-lock.js'
import {openBrowser} from './io/open-browser.js'
import {CliError} from './output/cli-error.js'
import {runCommand} from './output/command-outcome.js'
import {shellQuote} from './output/shell-quote.js'
import {usageErrorFromParse} from './output/usage-error-from-parse.js'
import {readProjectConfig} from './project/project-config.js'
import {findProjectRoot} from './project/project-root.js'

/** The core's own mechanisms, lent to plugins (see SpecKittyRuntime): one copy of each. */
export function createRuntime(): SpecKittyRuntime {
  return {
    apiVersion: API_VERSION,
    error: (code, message, options = {}) => new CliError(code, message, options),
    findProjectRoot(cwd) {
      try {
        return findProjectRoot(cwd).root
      } catch {
        // outside any project
      }
    },
    async gitRead(args, cwd) {
      const {code, stdout} = await gitReadOnly(args, cwd)
      return {code, stdout}
    },
    openBrowser: url => openBrowser(url),
    readProjectConfig,
    runCommand,
    shellQuote,
    tryLock: (path, options = {}) => tryAcquireLock(path, {what: 'plugin', ...options}),
    usageErrorFromParse,
    writeFileAtomic,
  }
}
