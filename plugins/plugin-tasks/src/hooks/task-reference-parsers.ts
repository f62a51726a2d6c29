import type {TaskReferenceParsersHook} from 'spec-kitty/api'

import {bulletItemParser} from '../bullet-item-parser.js'
import {checkboxParser} from '../checkbox-parser.js'
import {inlineSubtasksParser} from '../inline-subtasks-parser.js'
import {pipeTableParser} from '../pipe-table-parser.js'
import {workPackageParser} from '../work-package-parser.js'

const hook: TaskReferenceParsersHook = async () => [checkboxParser, pipeTableParser, inlineSubtasksParser, bulletItemParser, workPackageParser]

export default hook
