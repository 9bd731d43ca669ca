/// <reference types="vite/client" />
import type { KeysteadApi } from '../../src-preload/contract/api.ts'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    keystead: KeysteadApi
  }
}
