import React from 'react';
import Button from '@splunk/react-ui/Button';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Message from '@splunk/react-ui/Message';
import Modal from '@splunk/react-ui/Modal';
import Text from '@splunk/react-ui/Text';
import type { Stanza } from '../conf-store.js';
import { initialValues, nameError, validate, type FormErrors, type FormValues } from '../form-values.js';
import { saveStanza } from '../save.js';
import type { CollectionSection } from '../sections.js';
import { StanzaForm } from './stanza-form.js';

export interface StanzaDialogProps {
  section: CollectionSection;
  /** The stanza to edit; undefined to add one. */
  stanza: Stanza | undefined;
  storedKeys: ReadonlySet<string>;
  taken: string[];
  returnFocus: React.MutableRefObject<HTMLButtonElement | null>;
  onCancel: () => void;
  onSaved: (name: string) => void;
}

/** Add or edit one named stanza; nothing is written while the schema finds an error. */
export function StanzaDialog({ section, stanza, storedKeys, taken, returnFocus, onCancel, onSaved }: StanzaDialogProps): React.ReactElement {
  const [name, setName] = React.useState(stanza?.name ?? '');
  const [values, setValues] = React.useState<FormValues>(() => initialValues(section.fields, stanza?.values));
  const [errors, setErrors] = React.useState<FormErrors>({});
  const [saving, setSaving] = React.useState(false);
  const [saveError, setSaveError] = React.useState<string | undefined>();
  // Set once this dialog created the stanza: if a secret then fails, Save again edits it.
  const [created, setCreated] = React.useState(false);
  // Errors appear after the first save attempt, then follow every keystroke.
  const [tried, setTried] = React.useState(false);
  // Focus goes to the name (add) or the first setting (edit) rather than the close button.
  const [nameEl, setNameEl] = React.useState<HTMLInputElement | null>(null);
  const [firstEl, setFirstEl] = React.useState<HTMLInputElement | null>(null);
  const focusEl = stanza ? firstEl : nameEl;

  const check = (v: FormValues, n: string): FormErrors => {
    const e = validate(section.schema, section.fields, v, storedKeys);
    const ne = stanza || created ? undefined : nameError(n, taken);
    return ne ? { ...e, _name: ne } : e;
  };
  const change = (key: string, value: string | boolean) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (tried) setErrors(check(next, name));
  };
  const submit = async () => {
    setTried(true);
    const found = check(values, name);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      await saveStanza(section, values, { name, isNew: !stanza && !created, previous: stanza?.values ?? {}, storedKeys, onCreated: () => setCreated(true) });
      onSaved(name);
    } catch (e) {
      setSaveError((e as Error).message);
      setSaving(false);
    }
  };
  const count = Object.keys(errors).length;
  const title = stanza ? `Edit ${section.noun} ${stanza.name}` : `Add ${section.noun}`;

  return (
    <Modal open onRequestClose={onCancel} returnFocus={returnFocus} initialFocus={focusEl ?? 'first'} style={{ width: 760, maxWidth: '95vw' }} data-dialog={section.id}>
      <Modal.Header title={title} />
      <Modal.Body>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {count > 0 ? <Message type="error">{`${count === 1 ? 'One field needs' : `${count} fields need`} attention before saving.`}</Message> : null}
          {saveError ? <Message type="error">{`Not saved: ${saveError}`}</Message> : null}
          <ControlGroup data-field="_name" label="Name" labelPosition="left" labelWidth={200} required={!stanza} help={stanza ? 'The name cannot change: inputs and alerts refer to it.' : `Inputs and alerts refer to the ${section.noun} by this name.`} error={errors._name ?? false}>
            <Text inputId={`${section.id}-name`} inputRef={setNameEl} value={name} disabled={Boolean(stanza) || created} error={Boolean(errors._name)} onChange={(_e, d) => {
              setName(d.value);
              if (tried) setErrors(check(values, d.value));
            }} />
          </ControlGroup>
          <StanzaForm fields={section.fields} primary={section.primary} values={values} errors={errors} stored={storedKeys} idPrefix={section.id} onChange={change} firstInputRef={setFirstEl} />
          {/* Enter in any text input submits, as in a native form. */}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </form>
      </Modal.Body>
      <Modal.Footer>
        <Button appearance="secondary" label="Cancel" onClick={onCancel} />
        <Button appearance="primary" label={saving ? 'Saving…' : 'Save'} disabled={saving} onClick={() => void submit()} data-action="save" />
      </Modal.Footer>
    </Modal>
  );
}
