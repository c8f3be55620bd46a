// Names the index a select must read. MariaDB, given an equality on an index prefix and ORDER BY … LIMIT, picks ref access on that
// prefix and walks every row before the cursor; naming the index makes it a range scan that starts at the cursor.
import { FromNode, type KyselyPlugin, RawNode, type RootOperationNode, SelectQueryNode, TableNode } from 'kysely'
import type { DatabaseKind } from '@portcullis/shared/db/handle'

const INDEX_NAME = /^[a-z][a-z0-9_]*$/

/** A plugin for one query: its FROM `table` becomes `table FORCE INDEX (index)` on MySQL, `table INDEXED BY index` on SQLite. */
export function indexHint(kind: DatabaseKind, table: string, index: string): KyselyPlugin {
  if (!INDEX_NAME.test(table) || !INDEX_NAME.test(index)) throw new Error(`not an identifier: ${table}, ${index}`)
  const hinted = RawNode.createWithSql(kind === 'mysql' ? `\`${table}\` force index (\`${index}\`)` : `"${table}" indexed by "${index}"`)
  const isTable = (node: FromNode['froms'][number]) => TableNode.is(node) && node.table.schema === undefined && node.table.identifier.name === table
  return {
    transformQuery({ node }): RootOperationNode {
      if (!SelectQueryNode.is(node) || !node.from?.froms.some(isTable)) return node
      return { ...node, from: FromNode.create(node.from.froms.map((from) => (isTable(from) ? hinted : from))) }
    },
    async transformResult({ result }) {
      return result
    },
  }
}
