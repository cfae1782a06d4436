import type { Invitation } from '../api/types';
import { formatTime } from '../format';
import { CopyButton } from './CopyButton';

/** The gateway may answer a path ("/admin/invite/…") or a full address; the person invited needs a full one. */
export function absoluteInvitationUrl(invitation: Invitation): string {
  if (invitation.url) return new URL(invitation.url, window.location.origin).toString();
  return `${window.location.origin}/admin/invite/${encodeURIComponent(invitation.token)}`;
}

export function InvitationLink({ invitation }: { invitation: Invitation }) {
  const url = absoluteInvitationUrl(invitation);
  return (
    <div className="stack">
      <p>Send this link to the person invited. It lets them choose a password and expires {formatTime(invitation.expires_at)}.</p>
      <div className="secret-box">
        <code data-testid="invitation-url">{url}</code>
      </div>
      <div className="form-actions">
        <CopyButton text={url} label="Copy link" />
      </div>
    </div>
  );
}
