import { z } from 'zod'
import type { AppApi } from '../../src-preload/contract/auth.ts'
import type { AppStatus } from '../../src-preload/contract/models.ts'
import { publicHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

export function createAppHandlers(getStatus: () => AppStatus): DomainHandlers<AppApi> {
  return {
    getStatus: publicHandler(z.null(), () => getStatus()),
  }
}
