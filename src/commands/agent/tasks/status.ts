import {statusCommand} from '../../../lifecycle/status.js'
import {specCommand} from '../../../oclif-adapter.js'

export default specCommand(statusCommand)
