import { nextTick, watch } from 'vue'
import { createRouter, createWebHashHistory } from 'vue-router'
import type { Router, RouteRecordRaw } from 'vue-router'
import { applyLocale } from './i18n/index.ts'
import { useSessionStore } from './stores/session.ts'
// The screen most starts show is part of the entry script (no chunk to fetch after the start-up call answers).
import SignInView from './views/SignInView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Needs a signed-in account. */
    requiresAuth?: boolean
    /** Only when signed out (sign-in, create account). */
    guestOnly?: boolean
    /** i18n key of the screen title. */
    titleKey?: string
    /** Administrators only (main refuses the screen's channels to members as well). */
    requiresAdmin?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/profile' },
  { path: '/startup-error', name: 'startup-error', component: () => import('./views/StartupErrorView.vue') },
  { path: '/welcome', name: 'create-account', component: () => import('./views/CreateAccountView.vue'), meta: { guestOnly: true } },
  { path: '/add-account', name: 'add-account', component: () => import('./views/CreateAccountView.vue'), meta: { guestOnly: true } },
  { path: '/sign-in', name: 'sign-in', component: SignInView, meta: { guestOnly: true } },
  { path: '/change-password', name: 'change-password', component: () => import('./views/ChangePasswordView.vue'), meta: { requiresAuth: true, titleKey: 'accounts.mustChangeTitle' } },
  {
    path: '/',
    component: () => import('./views/ShellView.vue'),
    meta: { requiresAuth: true },
    children: [
      { path: 'profile', name: 'profile', component: () => import('./views/ProfileView.vue'), meta: { requiresAuth: true, titleKey: 'nav.profile' } },
      { path: 'profile/page', name: 'profile-page', component: () => import('./views/PublicProfileView.vue'), meta: { requiresAuth: true, titleKey: 'profile.page.title' } },
      { path: 'security', name: 'security', component: () => import('./views/SecurityView.vue'), meta: { requiresAuth: true, titleKey: 'nav.security' } },
      { path: 'tokens', name: 'tokens', component: () => import('./views/TokensView.vue'), meta: { requiresAuth: true, titleKey: 'nav.tokens' } },
      { path: 'ssh-keys', name: 'ssh-keys', component: () => import('./views/SshKeysView.vue'), meta: { requiresAuth: true, titleKey: 'nav.sshKeys' } },
      { path: 'sessions', name: 'sessions', component: () => import('./views/SessionsView.vue'), meta: { requiresAuth: true, titleKey: 'nav.sessions' } },
      { path: 'settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { requiresAuth: true, titleKey: 'settings.title' } },

      { path: 'accounts', name: 'accounts', component: () => import('./views/AccountsView.vue'), meta: { requiresAuth: true, requiresAdmin: true, titleKey: 'nav.accounts' } },
      {
        path: 'accounts/:accountId(\\d+)',
        name: 'account-profile',
        component: () => import('./views/AccountProfileView.vue'),
        meta: { requiresAuth: true, requiresAdmin: true, titleKey: 'accounts.profile.title' },
      },
      { path: 'security-log', name: 'security-log', component: () => import('./views/SecurityLogView.vue'), meta: { requiresAuth: true, titleKey: 'nav.securityLog' } },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/profile' },
]

export function createKeysteadRouter(): Router {
  const router = createRouter({ history: createWebHashHistory(), routes })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    const firstNavigation = !session.isInitialized
    await session.initialize()
    // The first screen paints in the saved language: its messages are loaded before it renders.
    if (firstNavigation) await applyLocale(session.account?.language ?? session.startupLanguage)
    if (!session.isReady) return to.name === 'startup-error' ? true : { name: 'startup-error' }
    if (to.name === 'startup-error') return { name: 'profile' }
    if (to.meta.requiresAuth && !session.isSignedIn) return { name: session.hasAccounts ? 'sign-in' : 'create-account' }
    // A required password change: that screen and nothing else until it is done.
    if (session.account?.mustChangePassword) return to.name === 'change-password' ? true : { name: 'change-password' }
    if (to.name === 'change-password') return { name: 'profile' }
    if (to.meta.requiresAdmin && session.account?.role !== 'administrator') return { name: 'profile' }
    if (to.meta.guestOnly && session.isSignedIn) return { name: 'profile' }
    if (to.name === 'sign-in' && !session.hasAccounts) return { name: 'create-account' }
    return true
  })

  // After every navigation but the first, focus moves to the new screen: a field it focused itself (autofocus), else
  // its heading. Otherwise the focus stays on a button that no longer exists (sign-in, sign-out, a menu item).
  router.afterEach((to, from, failure) => {
    if (failure || from.matched.length === 0) return
    void focusScreen()
  })

  // When main ends this window's session (signed out elsewhere, revoked, expired), leave the signed-in screens.
  router.isReady().then(() => {
    const session = useSessionStore()
    watch(
      () => session.isSignedIn,
      (signedIn) => {
        if (!signedIn && router.currentRoute.value.meta.requiresAuth) void router.replace({ name: 'sign-in' })
      },
    )
    // Signed in to an account that must change its password, or lost the administrator role: move on.
    watch(
      () => [session.account?.mustChangePassword, session.account?.role] as const,
      ([mustChange, role]) => {
        const current = router.currentRoute.value
        if (mustChange && current.name !== 'change-password') void router.replace({ name: 'change-password' })
        else if (current.meta.requiresAdmin && role !== 'administrator') void router.replace({ name: 'profile' })
      },
    )
    watch(
      () => session.status?.state,
      (state) => {
        if (state === 'error') void router.replace({ name: 'startup-error' })
      },
    )
  })
  return router
}

/** Focuses the screen just shown: its own focused field stays, else its h1 (made focusable for this). */
async function focusScreen(tries = 10): Promise<void> {
  await nextTick()
  const active = document.activeElement
  if (active instanceof HTMLElement && active.matches('main input, main select, main textarea')) return
  const heading = document.querySelector<HTMLElement>('main h1')
  if (!heading) {
    // The screen's chunk or data is still on its way.
    if (tries > 0) setTimeout(() => void focusScreen(tries - 1), 30)
    return
  }
  heading.tabIndex = -1
  heading.focus()
}
