import React from 'react';
import Button from '@splunk/react-ui/Button';
import Message from '@splunk/react-ui/Message';
import Modal from '@splunk/react-ui/Modal';
import Paragraph from '@splunk/react-ui/Paragraph';

export interface DeleteDialogProps {
  title: string;
  body: string;
  returnFocus: React.MutableRefObject<HTMLButtonElement | null>;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}

/** Asks before deleting; shows splunkd's reason if the delete fails. */
export function DeleteDialog({ title, body, returnFocus, onCancel, onConfirm }: DeleteDialogProps): React.ReactElement {
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | undefined>();
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal open onRequestClose={onCancel} returnFocus={returnFocus} style={{ width: 520 }}>
      <Modal.Header title={title} />
      <Modal.Body>
        <Paragraph>{body}</Paragraph>
        {error ? <Message type="error">{`Not deleted: ${error}`}</Message> : null}
      </Modal.Body>
      <Modal.Footer>
        <Button appearance="secondary" label="Cancel" onClick={onCancel} />
        <Button appearance="destructive" label={busy ? 'Deleting…' : 'Delete'} disabled={busy} onClick={() => void confirm()} data-action="confirm-delete" />
      </Modal.Footer>
    </Modal>
  );
}
