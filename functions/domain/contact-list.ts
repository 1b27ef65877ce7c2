/** Contact lists: named sets of contacts whose attributes fill a campaign's variables. */
export interface ContactList {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface ListMember {
  readonly phone: string;
  readonly attributes: Readonly<Record<string, string>>;
}
