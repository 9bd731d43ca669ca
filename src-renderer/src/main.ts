// First: sends the start-up call before the rest of the bundle runs.
import { startupStateRequest } from './startup-request.ts'
import { createPinia } from 'pinia'
import { createApp, watch } from 'vue'
import App from './App.vue'
import { applyLocale, createKeysteadI18n, prefetchStartupLocale } from './i18n/index.ts'
import { createKeysteadRouter } from './router.ts'
import { useSessionStore } from './stores/session.ts'
import './styles/main.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(createKeysteadI18n(document.documentElement.lang || 'en'))
// The start-up language main put in the address starts loading now (the first screen then waits for main's answer only).
void prefetchStartupLocale(location.search)

// The language: the last signed-in account's before sign-in (read in the router's first guard,
// before any screen renders), then the signed-in account's. 'sync' so it lands before a paint.
const session = useSessionStore(pinia)
watch(
  () => session.account?.language ?? (session.account ? null : session.startupLanguage),
  (language) => {
    if (!language) return
    void applyLocale(language)
    session.startupLanguage = language // after sign-out, the sign-in screen keeps this language
  },
  { flush: 'sync' },
)

// The start-up state, already on its way; the router's first guard awaits the same promise (and sees a failure).
session.initialize(startupStateRequest).catch(() => {})
app.use(createKeysteadRouter())
app.mount('#app')
