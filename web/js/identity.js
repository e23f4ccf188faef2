/* identity.js: at the track choice, the one field the teacher asked for (fleetops serve
 * --identity optional|required, --roster: a name or student ID; nothing with --identity none)
 * and the one line that tells the student what the teacher will see of their work. The
 * ledger's door() says which (the server's answer to a visit without a session; the static
 * build's ledger stays in the browser, so nothing is asked). initIdentity(ledger) once at boot;
 * identityValue() when a session starts (start.js). Text only: nothing here is ever markup. */

let door = null;
const el = (id) => document.getElementById(id);

function render() {
  const box = el('identity');
  if (!box) return;
  const ask = !!door && door.identity !== 'none';
  const required = ask && door.identity === 'required';
  el('identity-field').hidden = !ask;
  el('identity-input').required = required;
  el('identity-label').textContent = !required ? 'Your name or student ID (optional)'
    : door.roster ? 'Your name or student ID, as on your teacher\u2019s class list'
      : 'Your name or student ID (your teacher asks for it)';
  el('teacher-sees').textContent = door ? door.teacher_sees : '';
  box.hidden = !door;
}

export async function initIdentity(ledger) {
  try {
    door = ledger && typeof ledger.door === 'function' ? await ledger.door() : null;
  } catch {
    door = null;
  }
  render();
}

/* The name or ID typed, trimmed; '' when the teacher asks for nothing. */
export function identityValue() {
  const input = el('identity-input');
  return door && door.identity !== 'none' && input ? input.value.trim() : '';
}
