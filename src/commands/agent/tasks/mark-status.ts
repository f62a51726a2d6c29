import {markStatusCommand} from '../../../lifecycle/mark-status.js'
import {specCommand} from '../../../oclif-adapter.js'

export default specCommand(markStatusCommand)
