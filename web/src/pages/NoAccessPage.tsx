export function NoAccessPage({ hasPages }: { hasPages: boolean }) {
  return (
    <section>
      <h1>No access</h1>
      <p>
        {hasPages
          ? 'You do not have access to that page.'
          : 'Your account has no pages in this console. Ask a platform admin to grant your group access.'}
      </p>
    </section>
  );
}
