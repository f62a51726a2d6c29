import {moveTaskCommand} from '../../../lifecycle/move-task.js'
import {specCommand} from '../../../oclif-adapter.js'

export default specCommand(moveTaskCommand)
