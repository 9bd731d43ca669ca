export type MessageTree = { [key: string]: string | MessageTree }

/**
 * Adds `source` to `target`. Runs at start-up for English (before the first paint), so it copies as little as it
 * can: a subtree only one domain has is shared, not copied; where two domains meet (errors, nav, ...) the node is
 * copied once (`owned`) and the later domain's keys go into the copy. The domain files' objects never change.
 */
function mergeInto(target: MessageTree, source: MessageTree, owned: WeakSet<MessageTree>): void {
  for (const key of Object.keys(source)) {
    const value = source[key]!
    const existing = target[key]
    if (typeof value === 'object' && typeof existing === 'object') {
      let node = existing
      if (!owned.has(node)) {
        node = { ...existing }
        owned.add(node)
        target[key] = node
      }
      mergeInto(node, value, owned)
    } else {
      target[key] = value
    }
  }
}

/** One language's messages from its domain files (./messages/<locale>/<domain>.ts); later domains add to earlier ones. */
export function mergeMessageTrees(domains: MessageTree[]): MessageTree {
  const merged: MessageTree = {}
  const owned = new WeakSet<MessageTree>([merged])
  for (const domain of domains) mergeInto(merged, domain, owned)
  return merged
}
