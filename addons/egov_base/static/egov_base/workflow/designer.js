/* Approval chain designer (egov_base workflow): nodes as sortable cards edited with Alpine.js. */
function chainDesigner() {
  const labels = JSON.parse(document.getElementById('wf-labels').textContent);
  let seq = 0;
  return {
    nodes: [], users: [],
    init() {
      this.users = JSON.parse(document.getElementById('wf-users').textContent);
      const raw = JSON.parse(document.getElementById('wf-nodes').textContent);
      this.nodes = raw.map(n => Object.assign({uid: ++seq, actions: ['approve', 'return', 'reject'], form_fields: [], users: [], countersign: 'any'}, n, {users: (n.users || []).map(String)}));
      if (!this.nodes.length) this.add();
      Sortable.create(this.$refs.list, {handle: '.drag-handle', draggable: '.card', animation: 150, onEnd: (e) => {
        if (e.oldIndex === e.newIndex) return;
        // put the DOM back and let Alpine re-render from the reordered array
        const list = e.from;
        list.removeChild(e.item);
        list.insertBefore(e.item, list.querySelectorAll(':scope > .card')[e.oldIndex] || null);
        const moved = this.nodes.splice(e.oldIndex, 1)[0];
        this.nodes.splice(e.newIndex, 0, moved);
      }});
    },
    add() { this.nodes.push({uid: ++seq, name: '', assignee_type: 'role', role_code: '', users: [], sla_hours: 24, actions: ['approve', 'return', 'reject'], countersign: 'any', form_fields: []}); },
    describe(n) { return (labels[n.assignee_type] || '') + (n.role_code ? ' · ' + n.role_code : '') + (n.sla_hours ? ' · ' + n.sla_hours + ' ' + (document.getElementById('wf-designer').dataset.hours || 'h') : ''); },
    serialize() { this.$refs.nodes.value = JSON.stringify(this.nodes.map(({uid, id, ...n}) => n)); },
  };
}
