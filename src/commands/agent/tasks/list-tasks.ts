import {listTasksCommand} from '../../../lifecycle/list-tasks.js'
import {specCommand} from '../../../oclif-adapter.js'

export default specCommand(listTasksCommand)
