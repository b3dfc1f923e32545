# check.awk -- the chaos suite's invariant checker (run by check.sh).
#
# Input files, told apart by name (all times are Unix epoch seconds on the
# one machine clock; hawatch's and the haworker's ISO-8601 UTC "ts=" are
# converted here):
#   events.log        the suite's record: injections, its own power-offs
#                     (suite_off windows), deaths and boots of hosts
#                     (dead/alive), BMC down/up, environment down/up
#                     (nfs, db), hawatch kills and starts
#   hb.log            "host mtime": every heartbeat write the sampler saw
#   starts.log        "epoch instance host": every start hook call
#   hosts/hN/chassis.log  "epoch set power V": every chassis power change
#   hawatch-X.log     the daemon logs (instance X)
#   au.tsv vw.tsv ll.tsv ha.tsv vm.tsv   hawatch.audit, chaos_vm_write,
#                     chaos_leader_log, chaos_ha_write, vm_instance (check.sh
#                     reads them in one snapshot, after copying the logs)
#
# Check D (issue 11): a host that the suite recorded with a hung twin's
# private IP (events dup_ip / dup_ip_end) gets no fence.requested while it
# shares the twin's heartbeat file (nor in the tick after).
#
# Output, one line each:
#   V <check> <key> <text>   a violation; key identifies it across rounds
#   P <check> <n>            n items not decidable yet (deadline ahead)
#   C <check> <n>            n items checked
#   N <text>                 a note for the summary (not a failure)
#
# Deadlines are hawatch's promises plus `slack`, and they only count time
# during which the environment let hawatch act: an interval in which the
# NFS server or the database was down, nobody led (from the daemons' own
# leader.acquired/lost lines and the suite's kills), or, for one host, its
# BMC was down, pushes the start of the window past it (win_deadline).  A BMC that
# is still down leaves the deadline open: S2 forbids reconciling a host
# whose power cannot be read, so such hosts are exempt but must be alerted.
#
# Variables (-v): now t0 dead_after tick bmc_poll fence_timeout
# fence_quiet attempts suspect slack rearm lag obs_skew hwuser nhosts

function iso2epoch(s,    y, mo, d, h, mi, sec, era, yoe, doy, doe) {
	# 2026-11-23T17:12:25.621Z
	y = substr(s, 1, 4) + 0; mo = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
	h = substr(s, 12, 2) + 0; mi = substr(s, 15, 2) + 0; sec = substr(s, 18, 6) + 0
	y -= (mo <= 2)
	era = int(y / 400)
	yoe = y - era * 400
	doy = int((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return (era * 146097 + doe - 719468) * 86400 + h * 3600 + mi * 60 + sec
}
function kv(line, key,    i, n, f, p) {	# value of key=... in a line
	n = split(line, f, " ")
	p = key "="
	for (i = 1; i <= n; i++)
		if (index(f[i], p) == 1)
			return substr(f[i], length(p) + 1)
	return ""
}
function rel(t) { return sprintf("+%.1fs", t - t0) }
function viol(check, key, text) {
	if (!((check, key) in seen_v)) {
		seen_v[check, key] = 1
		print "V", check, key, text
	}
}

# the end of the first window of length D starting at or after s during
# which no environment interval (and no BMC interval of host h) was open;
# -1 while an interval that overlaps it is still open
function win_deadline(h, s, D,    changed, i, d, u) {
	do {
		changed = 0
		for (i = 1; i <= nenv; i++) {
			d = env_d[i]; u = env_u[i]
			if (d < s + D && (u < 0 || u > s)) {
				if (u < 0)
					return -1
				s = u; changed = 1
			}
		}
		for (i = 1; h > 0 && i <= nbi[h]; i++) {
			d = bi_d[h, i]; u = bi_u[h, i]
			if (d < s + D && (u < 0 || u > s)) {
				if (u < 0)
					return -1
				s = u; changed = 1
			}
		}
	} while (changed)
	return s + D
}

# VM v's (state host) at time t, from its initial placement and the writes
function vm_at(v, t,    i, st, ho, w) {
	st = "Running"; ho = int(v / 1000); w = t_setup
	for (i = 1; i <= nvw[v]; i++) {
		if (vw_at[v, i] > t)
			break
		st = vw_st[v, i]; ho = vw_ho[v, i]; w = vw_at[v, i]
	}
	VM_ST = st; VM_HO = ho; VM_W = w
}
function active(st) { return st == "Running" || st == "Starting" || st == "Stopping" }

# the latest op_ha_work step of VM v at time t ("" if none)
function ha_at(v, t,    i, best, step) {
	best = -1; step = ""
	for (i = 1; i <= nha[v]; i++) {
		if (ha_t[v, i] > t)
			break
		if (ha_w[v, i] >= best) { best = ha_w[v, i]; step = ha_s[v, i]; HA_ID = ha_w[v, i] }
	}
	return step
}

function power_off_between(h, a, b,    i) {
	for (i = 1; i <= npw[h]; i++)
		if (pw_v[h, i] == 0 && pw_t[h, i] > a && pw_t[h, i] <= b)
			return pw_t[h, i]
	return 0
}
# the first power-off of host h in (a, b] that the suite did not send
function fence_off_between(h, a, b,    i) {
	for (i = 1; i <= npw[h]; i++)
		if (pw_v[h, i] == 0 && pw_t[h, i] > a && pw_t[h, i] <= b && !suite_window(h, pw_t[h, i]))
			return pw_t[h, i]
	return 0
}
function suite_window(h, t,    i) {
	for (i = 1; i <= nso[h]; i++)
		if (t >= so_0[h, i] - 0.05 && t <= so_1[h, i] + 0.05)
			return 1
	return 0
}
# who the database says held leadership at t (the latest record <= t)
function leader_at(t,    i, who) {
	who = ""; LCONN = ""
	for (i = 1; i <= nll; i++) {
		if (ll_t[i] > t)
			break
		who = ll_i[i]; LCONN = ll_c[i]
	}
	return who
}
# did instance x's own log say it led at t (interval from leader.acquired
# to leader.lost/released, daemon stop, a kill or a restart)
function log_leads(x, t,    i) {
	for (i = 1; i <= nli[x]; i++)
		if (t >= li_a[x, i] - 0.01 && (li_e[x, i] < 0 || t <= li_e[x, i] + 0.01))
			return 1
	return 0
}
function log_lead_end(x, t) {
	if (x in li_open) {
		li_e[x, li_open[x]] = t
		delete li_open[x]
	}
}

BEGIN {
	D_off = suspect + 2 * bmc_poll + tick + slack
	D_hang = dead_after + fence_timeout + 2 * bmc_poll + tick + slack
	# each attempt on a BMC that does not answer ends at the session
	# timeout (about 1 s), then fence_quiet; then the alert
	D_alert = dead_after + attempts * (1 + fence_quiet + 1) + slack
	D_ret = 2 * bmc_poll + 2 * tick + slack
	t_setup = 0
}

# --- inputs ------------------------------------------------------------------

FILENAME ~ /events\.log$/ {
	t = $1 + 0; k = $2
	if (k == "setup_done") t_setup = t
	else if (k == "inject") { ninj++; inj_t[ninj] = t; inj_s[ninj] = kv($0, "step"); inj_f[ninj] = kv($0, "fault") }
	else if (k == "suite_off") { h = kv($0, "host") + 0; nso[h]++; so_0[h, nso[h]] = kv($0, "t0") + 0; so_1[h, nso[h]] = kv($0, "t1") + 0 }
	else if (k == "dead" || k == "alive") {
		h = kv($0, "host") + 0; nhe[h]++
		he_t[h, nhe[h]] = t; he_k[h, nhe[h]] = k; he_why[h, nhe[h]] = kv($0, "kind")
		if (kv($0, "at") != "") he_t[h, nhe[h]] = kv($0, "at") + 0
		he_rec[h, nhe[h]] = kv($0, "fenced_record")
		if (k == "alive" && kv($0, "t0") != "") he_t[h, nhe[h]] = kv($0, "t0") + 0
	}
	else if (k == "bmc_down") { h = kv($0, "host") + 0; if (!(h in bopen)) { nbi[h]++; bi_d[h, nbi[h]] = t; bi_u[h, nbi[h]] = -1; bopen[h] = nbi[h] } }
	else if (k == "bmc_up") { h = kv($0, "host") + 0; if (h in bopen) { bi_u[h, bopen[h]] = t; delete bopen[h] } }
	else if (k == "env_down" && kv($0, "what") != "leader") {
		w = kv($0, "what")
		if (!(w in eopen)) { nenv++; env_d[nenv] = t; env_u[nenv] = -1; eopen[w] = nenv }
	}
	else if (k == "env_up") { w = kv($0, "what"); if (w in eopen) { env_u[eopen[w]] = t; delete eopen[w] } }
	else if (k == "hawatch_kill") { x = kv($0, "inst"); nkill[x]++; kill_t[x, nkill[x]] = t }
	else if (k == "paused") {
		np++; p_t[np] = t; p_h[np] = kv($0, "host") + 0; p_d[np] = kv($0, "dom")
		p_v[np] = kv($0, "vm") + 0; p_o[np] = kv($0, "optout") + 0; last_pause[p_d[np]] = np
	}
	else if (k == "operator_resumed") { op_res[kv($0, "dom")] = t }
	else if (k == "dup_ip") { nd++; dp_t[nd] = t; dp_h[nd] = kv($0, "host") + 0; dp_w[nd] = kv($0, "twin") + 0; dp_e[nd] = -1 }
	else if (k == "dup_ip_end") {
		h = kv($0, "host") + 0
		for (i = nd; i >= 1; i--) if (dp_h[i] == h && dp_e[i] < 0) { dp_e[i] = t; break }
	}
	else if (k == "backup_begin") {
		nbk++; bk_b[nbk] = t; bk_c[nbk] = -1; bk_e[nbk] = -1; bk_h[nbk] = kv($0, "host") + 0
		bk_d[nbk] = kv($0, "dom"); bk_v[nbk] = kv($0, "vm") + 0; bk_p0[nbk] = kv($0, "processed") + 0
	}
	else if (k == "backup_checked" && nbk) {
		bk_c[nbk] = t; bk_p1[nbk] = kv($0, "processed") + 0; bk_st[nbk] = kv($0, "state")
		bk_j[nbk] = kv($0, "job")
	}
	else if (k == "backup_end" && nbk) bk_e[nbk] = t
	else if (k == "bmc_lie") { h = kv($0, "host") + 0; nli9++; li9_h[nli9] = h; li9_0[nli9] = t; li9_1[nli9] = -1; lie_open[h] = nli9 }
	else if (k == "bmc_truth") { h = kv($0, "host") + 0; if (h in lie_open) { li9_1[lie_open[h]] = t; delete lie_open[h] } }
	next
}
FILENAME ~ /hb\.log$/ { h = $1 + 0; nhb[h]++; hb_t[h, nhb[h]] = $2 + 0; next }
FILENAME ~ /starts\.log$/ {
	nst++; st_t[nst] = $1 + 0; st_i[nst] = $2; st_h[nst] = $3 + 0
	split($2, p, "-"); st_v[nst] = p[3] + 0
	next
}
FILENAME ~ /chassis\.log$/ {
	if ($2 != "set" || $3 != "power") next
	h = FILENAME; sub(/\/chassis\.log$/, "", h); sub(/.*\/h/, "", h); h += 0
	npw[h]++; pw_t[h, npw[h]] = $1 + 0; pw_v[h, npw[h]] = $4 + 0
	next
}
FILENAME ~ /hawatch-[a-z0-9]+\.log$/ {
	x = FILENAME; sub(/.*hawatch-/, "", x); sub(/\.log$/, "", x)
	t = iso2epoch(substr($1, 4)); e = substr($3, 7)
	if (e == "daemon.start" || e == "daemon.stopped" || e == "leader.lost" || e == "leader.released")
		log_lead_end(x, t)
	if (e == "leader.acquired") {
		nacq++; acq_t[nacq] = t
		log_lead_end(x, t)
		nli[x]++; li_a[x, nli[x]] = t; li_e[x, nli[x]] = -1; li_open[x] = nli[x]
	} else if (e == "core.transition" && kv($0, "to") == "fencing") {
		h = kv($0, "host") + 0; ntf[x, h]++; tf_t[x, h, ntf[x, h]] = t
		nkd++; kd_t[nkd] = t; kd_h[nkd] = h; kd_x[nkd] = x; kd_w[nkd] = "to=fencing"
	} else if (e == "core.transition" && kv($0, "to") == "fenced") {
		nkd++; kd_t[nkd] = t; kd_h[nkd] = kv($0, "host") + 0; kd_x[nkd] = x; kd_w[nkd] = "to=fenced why=" kv($0, "why")
	} else if (e == "reconcile.done") {
		nkd++; kd_t[nkd] = t; kd_h[nkd] = kv($0, "host") + 0; kd_x[nkd] = x; kd_w[nkd] = "reconcile.done"
	} else if ((e == "fence.requested" || e == "fence.start") && $0 ~ / evidence=/) {
		# the decision, logged after its audit row (older builds: fence.start)
		nfs++; fs_t[nfs] = t; fs_x[nfs] = x; fs_h[nfs] = kv($0, "host") + 0
	} else if (e == "fence.done" && $0 ~ / addr=/) {
		# the BMC pool's result, recorded by the next tick (host.fence_result)
		nfd++; fd_t[nfd] = t; fd_x[nfd] = x; fd_h[nfd] = kv($0, "host") + 0
	} else if (e == "audit.failed") {
		a = kv($0, "action")
		if (a == "host.fence_result") { nff++; ff_t[nff] = t; ff_x[nff] = x; ff_h[nff] = kv($0, "host") + 0 }
		if (a == "vm.resumed") { d = kv($0, "domain"); sub(/^i-2-/, "", d); sub(/-VM$/, "", d); nres_fail[d + 0]++ }
	} else if (e == "alert.raise") {
		nal++; al_t[nal] = t; al_h[nal] = kv($0, "host") + 0; al_w[nal] = kv($0, "why"); al_x[nal] = x
	} else if (e == "sweep.resume" && kv($0, "rc") == "resumed") {
		d = kv($0, "domain"); sub(/^i-2-/, "", d); sub(/-VM$/, "", d); nres_log[d + 0]++
	} else if (e == "host.returned") {
		nrt++; rt_t[nrt] = t; rt_h[nrt] = kv($0, "host") + 0
	}
	next
}
FILENAME ~ /au\.tsv$/ {
	split($0, f, "\t")
	na++; au_id[na] = f[1]; au_t[na] = f[2] + 0; au_actor[na] = f[3]; au_cmd[na] = f[4]
	au_act[na] = f[5]; au_h[na] = f[6] + 0; au_v[na] = f[7] + 0
	next
}
FILENAME ~ /vw\.tsv$/ {
	split($0, f, "\t")
	v = f[4] + 0; nvw[v]++
	vw_at[v, nvw[v]] = f[1] + 0; vw_st[v, nvw[v]] = f[6]; vw_ho[v, nvw[v]] = f[8] + 0
	vw_usr[v, nvw[v]] = f[2]; vw_conn[v, nvw[v]] = f[3]
	vw_old[v, nvw[v]] = f[5] "@" f[7] " uc " f[9] "->" f[10]
	vw_oho[v, nvw[v]] = f[7] + 0
	if (f[2] == hwuser) nhw_vm[v]++
	vms[v] = 1
	next
}
FILENAME ~ /ll\.tsv$/ { split($0, f, "\t"); nll++; ll_t[nll] = f[1] + 0; ll_i[nll] = f[2]; ll_c[nll] = f[3]; next }
FILENAME ~ /ha\.tsv$/ {
	split($0, f, "\t")
	v = f[4] + 0; nha[v]++; ha_t[v, nha[v]] = f[1] + 0; ha_w[v, nha[v]] = f[3] + 0; ha_s[v, nha[v]] = f[5]
	next
}
FILENAME ~ /vm\.tsv$/ { split($0, f, "\t"); vms[f[1] + 0] = 1; next }
FILENAME ~ /doms\.txt$/ { dom_state[$1, $2] = $3; next }

# --- the checks ------------------------------------------------------------

END {
	# leadership from the daemons' own logs: an interval ends at
	# leader.lost/released, a stop, a restart, or the suite's SIGKILL
	for (x in nli) for (i = 1; i <= nli[x]; i++) for (j = 1; j <= nkill[x]; j++)
		if (kill_t[x, j] >= li_a[x, i] && (li_e[x, i] < 0 || kill_t[x, j] < li_e[x, i]))
			li_e[x, i] = kill_t[x, j]
	# the times nobody led are environment outages for the deadlines
	tl = t_setup
	while (1) {
		best = -1; open_now = 0
		for (x in nli) for (i = 1; i <= nli[x]; i++)
			if (li_a[x, i] <= tl + 0.001 && (li_e[x, i] < 0 || li_e[x, i] > tl)) {
				if (li_e[x, i] < 0) open_now = 1
				else if (li_e[x, i] > best) best = li_e[x, i]
			}
		if (open_now) break			# led until now
		if (best > 0) { tl = best; continue }	# extend the covered time
		nxt = -1				# a gap: until the next acquisition
		for (x in nli) for (i = 1; i <= nli[x]; i++)
			if (li_a[x, i] > tl && (nxt < 0 || li_a[x, i] < nxt)) nxt = li_a[x, i]
		nenv++; env_d[nenv] = tl; env_u[nenv] = nxt
		noleader += (nxt < 0 ? now : nxt) - tl
		if (nxt < 0) break
		tl = nxt
	}
	print "S", "no_leader_total", noleader + 0

	# ---- 1: no fence while the heartbeat advanced -------------------------
	c1 = 0
	for (i = 1; i <= nfs; i++) {
		c1++
		h = fs_h[i]; x = fs_x[i]
		# the decision: the core's "to=fencing" line of that tick
		tdec = fs_t[i]
		for (j = ntf[x, h]; j >= 1; j--)
			if (tf_t[x, h, j] <= fs_t[i] + 0.001) {
				if (tf_t[x, h, j] >= fs_t[i] - 5) tdec = tf_t[x, h, j]
				break
			}
		a = tdec - dead_after + obs_skew; b = tdec - lag
		for (j = 1; j <= nhb[h]; j++)
			if (hb_t[h, j] >= a && hb_t[h, j] <= b) {
				viol(1, "fence:" h ":" fs_t[i], sprintf("hawatch:%s decided to fence host %d at %s but its heartbeat was written at %s (%.2fs before, dead_after %ss)",
				    x, h, rel(tdec), rel(hb_t[h, j]), tdec - hb_t[h, j], dead_after))
				break
			}
	}
	for (h = 1; h <= nhosts; h++) {
		for (j = 1; j <= npw[h]; j++) {
			if (pw_v[h, j] != 0) continue
			c1++
			t = pw_t[h, j]
			if (suite_window(h, t)) continue
			ok = 0
			for (i = 1; i <= nfs; i++)
				if (fs_h[i] == h && fs_t[i] >= t - 2 * fence_timeout - slack && fs_t[i] <= t + 1) ok = 1
			if (!ok)
				viol(1, "off:" h ":" t, sprintf("host %d was powered off at %s by nobody the suite knows: no suite power-off and no hawatch fence.requested before it", h, rel(t)))
		}
	}
	print "C", 1, c1

	# ---- 2/4: dead hosts are fenced and reconciled in time -----------------
	c2 = 0; p2 = 0; c4 = 0
	for (h = 1; h <= nhosts; h++) {
		for (e = 1; e <= nhe[h]; e++) {
			if (he_k[h, e] != "dead") continue
			if (e > 1 && he_k[h, e - 1] == "dead") continue	# same episode
			td = he_t[h, e]; kind = he_why[h, e]
			tend = now
			for (j = e + 1; j <= nhe[h]; j++) if (he_k[h, j] == "alive") { tend = he_t[h, j]; break }
			# a hang: hawatch must power it off by D_hang
			if (kind == "hang") {
				c2++
				dl = win_deadline(h, td, D_hang)
				toff = fence_off_between(h, td, tend)
				if (dl < 0) p2++
				else if (toff && toff <= dl) print "S", "hang_to_off", toff - td
				else if (dl > tend) { if (tend == now) p2++ }
				else {
					exempt = 0
					for (k = 1; k <= nal; k++)
						if (al_h[k] == h && al_t[k] >= td && (al_w[k] == "bmc_unreachable" && bmc_down_during(h, td, dl) ||
						    al_w[k] == "dead_before_rearm" && returned_recently(h, td)))
							exempt = 1
					if (!exempt)
						viol(2, "hang:" h ":" td, sprintf("host %d hung at %s (heartbeat writer killed, BMC on) was not powered off by %s (deadline dead_after+fence_timeout+2*bmc_poll+tick+%ss, after environment outages)%s",
						    h, rel(td), rel(dl), slack, toff ? "; off only at " rel(toff) : ""))
				}
			}
			# total loss: exempt while the BMC is down, but alerted
			if (kind == "total") {
				bd = 0
				for (k = 1; k <= nbi[h]; k++) if (bi_d[h, k] <= td + 1 && (bi_u[h, k] < 0 || bi_u[h, k] > td)) bd = (bi_u[h, k] < 0 ? now : bi_u[h, k])
				dla = win_deadline(0, td, D_alert)
				if (bd && dla > 0 && dla <= bd && dla <= now) {
					c2++
					ok = 0
					for (k = 1; k <= nal; k++) if (al_h[k] == h && al_w[k] == "bmc_unreachable" && al_t[k] >= td && al_t[k] <= dla) ok = 1
					if (!ok)
						viol(2, "alert:" h ":" td, sprintf("host %d lost power and BMC at %s: no bmc_unreachable alert by %s", h, rel(td), rel(dla)))
				}
			}
			# once off: no VM left active on it past D_off
			toff = power_off_between(h, td - 0.001, tend)
			if (kind == "off" || kind == "total") toff = (toff ? toff : td)
			if (toff == 0) continue
			dl = win_deadline(h, toff, D_off)
			# latency: from the power-off (or the end of the outage that
			# held hawatch back) to its first reconcile write on the host
			first = 0
			for (v in vms) for (i = 1; i <= nvw[v]; i++)
				if (vw_usr[v, i] == hwuser && vw_oho[v, i] == h && vw_at[v, i] >= toff && vw_at[v, i] <= tend && (!first || vw_at[v, i] < first))
					first = vw_at[v, i]
			if (first && dl > 0) print "S", "off_to_reconciled", first - (dl - D_off)
			if (dl < 0 || dl > now) { p2++; continue }
			if (dl > tend) continue	# powered on again before the deadline
			for (v in vms) {
				c2++; c4++
				tchk = dl
				for (round = 0; round < 50; round++) {
					vm_at(v, tchk)
					if (!(active(VM_ST) && VM_HO == h)) break
					if (VM_W + D_off > tchk) {
						# put there after the power-off: its own deadline
						tchk = VM_W + D_off
						if (tchk > tend && tend < now) break
						if (tchk > now) { p2++; break }
						continue
					}
					step = ha_at(v, tchk)
					viol(2, "vm:" v ":" h ":" toff, sprintf("VM %d still %s on host %d at %s: host off since %s (%s), reconcile deadline %s",
					    v, VM_ST, h, rel(tchk), rel(toff), kind, rel(tchk)))
					if (step == "Done")
						viol(4, "vm:" v ":" h ":" toff, sprintf("VM %d %s on powered-off host %d at %s while its HA work %d is Done (#12922)",
						    v, VM_ST, h, rel(tchk), HA_ID))
					break
				}
			}
		}
	}
	print "C", 2, c2; print "P", 2, p2; print "C", 4, c4

	# ---- 3: no VM started while it still ran elsewhere -----------------
	c3 = 0
	for (i = 1; i <= nst; i++) {
		c3++
		v = st_v[i]; tp = t_setup; A = int(v / 1000)
		for (j = i - 1; j >= 1; j--) if (st_v[j] == v) { tp = st_t[j]; A = st_h[j]; break }
		if (!power_off_between(A, tp, st_t[i]))
			viol(3, "start:" v ":" st_t[i], sprintf("split brain: VM %d (%s) started on host %d at %s while host %d, where it ran since %s, was never powered off in between",
			    v, st_i[i], st_h[i], rel(st_t[i]), A, rel(tp)))
	}
	print "C", 3, c3

	# ---- 5: no write and no fence by a non-leader --------------------------
	c5 = 0
	for (v in vms) for (i = 1; i <= nvw[v]; i++) {
		if (vw_usr[v, i] != hwuser) continue
		c5++
		who = leader_at(vw_at[v, i])
		if (LCONN != vw_conn[v, i])
			viol(5, "vw:" v ":" vw_at[v, i], sprintf("VM %d written by hawatch connection %s at %s (%s) but the leader then was %s (connection %s)",
			    v, vw_conn[v, i], rel(vw_at[v, i]), vw_old[v, i], who == "" ? "nobody" : who, LCONN))
	}
	for (i = 1; i <= na; i++) {
		if (au_actor[i] !~ /^hawatch:/ || au_cmd[i] != "run") continue
		c5++
		x = substr(au_actor[i], 9)
		who = leader_at(au_t[i] + 0.001)
		if (who != x)
			viol(5, "audit:" au_id[i], sprintf("audit row %s (%s host %d vm %d) by %s at %s, but the leader then was %s",
			    au_id[i], au_act[i], au_h[i], au_v[i], au_actor[i], rel(au_t[i]), who == "" ? "nobody" : who))
	}
	for (i = 1; i <= nfs; i++) {
		c5++
		if (!log_leads(fs_x[i], fs_t[i]) || leader_at(fs_t[i]) != fs_x[i])
			viol(5, "fence:" fs_h[i] ":" fs_t[i], sprintf("hawatch:%s fenced host %d at %s without leading (its log: %s, database: %s)",
			    fs_x[i], fs_h[i], rel(fs_t[i]), log_leads(fs_x[i], fs_t[i]) ? "leader" : "not leader", leader_at(fs_t[i])))
	}
	print "C", 5, c5

	# ---- 6: every fence and every VM change has its audit row --------------
	c6 = 0
	for (i = 1; i <= na; i++) {
		if (au_act[i] == "host.fence_requested" && au_cmd[i] == "run") {
			nfq[au_h[i]]++
			if (au_t[i] < now - 3) nfq_old[au_h[i]]++
		}
		if (au_act[i] == "host.fence_result" && au_cmd[i] == "run") used_fr[i] = 0
		if (au_act[i] ~ /^vm\.stopped/) nav[au_v[i]]++
		if (au_act[i] == "vm.resumed") { nar[au_v[i]]++; nres++; res_t[nres] = au_t[i]; res_v[nres] = au_v[i] }
	}
	for (i = 1; i <= nfs; i++) nfl[fs_h[i]]++
	for (h = 1; h <= nhosts; h++) {
		c6++
		if (nfq_old[h] > nfl[h])
			note["host " h ": " nfq_old[h] - nfl[h] " fence request audit rows without a fence.requested log line (instance killed in between?)"] = 1
		if (nfl[h] + 0 > nfq[h] + 0)
			viol(6, "fenceq:" h ":" nfl[h] + 0 ":" nfq[h] + 0, sprintf("host %d: %d fence.requested log lines but %d host.fence_requested audit rows",
			    h, nfl[h], nfq[h]))
	}
	# each fence result the BMC pool logged is recorded by the same
	# instance's next tick; an instance killed first, or an audit.failed
	# (database down), leaves it unrecorded: a note, not a violation
	for (i = 1; i <= nfd; i++) {
		c6++
		ok = 0
		for (j = 1; j <= na && !ok; j++)
			if ((j in used_fr) && !used_fr[j] && au_h[j] == fd_h[i] && au_actor[j] == "hawatch:" fd_x[i] &&
			    au_t[j] >= fd_t[i] - 0.5 && au_t[j] <= fd_t[i] + 10) { used_fr[j] = 1; ok = 1 }
		if (ok) continue
		why = ""
		for (j = 1; j <= nkill[fd_x[i]]; j++) if (kill_t[fd_x[i], j] >= fd_t[i] && kill_t[fd_x[i], j] <= fd_t[i] + 3) why = "instance killed right after"
		for (j = 1; j <= nff; j++) if (ff_x[j] == fd_x[i] && ff_h[j] == fd_h[i] && ff_t[j] >= fd_t[i] && ff_t[j] <= fd_t[i] + 10) why = "audit.failed"
		if (why != "")
			note["fence result of host " fd_h[i] " at " rel(fd_t[i]) " not recorded (" why ")"] = 1
		else if (fd_t[i] < now - 10)
			viol(6, "fencer:" fd_h[i] ":" fd_t[i], sprintf("hawatch:%s logged a fence result for host %d at %s but wrote no host.fence_result audit row",
			    fd_x[i], fd_h[i], rel(fd_t[i])))
	}
	for (v in vms) {
		if (!nhw_vm[v] && !nav[v]) continue
		c6++
		if (nhw_vm[v] + 0 != nav[v] + 0)
			viol(6, "vm:" v ":" nhw_vm[v] + 0 ":" nav[v] + 0, sprintf("VM %d: %d writes by hawatch but %d vm.stopped* audit rows", v, nhw_vm[v], nav[v]))
	}
	for (v in nres_log) {
		c6++
		if (nres_log[v] > nar[v] + nres_fail[v])
			viol(6, "resume:" v ":" nres_log[v] ":" nar[v] + 0, sprintf("VM %d: %d resumes logged (sweep.resume rc=resumed) but %d vm.resumed audit rows",
			    v, nres_log[v], nar[v]))
		if (nres_fail[v])
			note["resumes of VM " v " not recorded (audit.failed): " nres_fail[v]] = 1
	}
	print "C", 6, c6

	# ---- 7: a throttled backup that moves is never aborted, and its
	# domain is not resumed while the job moves (backup_throttled) ------
	c7 = 0; p7 = 0
	for (i = 1; i <= nbk; i++) {
		if (bk_c[i] < 0 || bk_e[i] < 0) { p7++; continue }
		v = bk_v[i]; d = bk_d[i]
		if (bk_j[i] != "2") {	# the copy beat the throttle: no test
			note["backup of " d " at " rel(bk_b[i]) " was no longer running at the suite's check (job " bk_j[i] "): not a test of check 7"] = 1
			continue
		}
		c7++
		if (bk_p1[i] <= bk_p0[i])
			note["backup of " d " at " rel(bk_b[i]) " did not move (disk_processed " bk_p0[i] " -> " bk_p1[i] "): not a test of check 7"] = 1
		else
			print "S", "backup_moved_mib", (bk_p1[i] - bk_p0[i]) / 1048576
		for (j = 1; j <= na; j++) {
			if (au_v[j] != v) continue
			if (au_act[j] == "vm.job_aborted" && au_t[j] >= bk_b[i] - 0.5 && au_t[j] <= bk_e[i] + 0.5)
				viol(7, "abort:" d ":" bk_b[i], sprintf("the backup of %s (VM %d) begun at %s moved (disk_processed %d -> %d by %s) but audit row %s aborted it at %s",
				    d, v, rel(bk_b[i]), bk_p0[i], bk_p1[i], rel(bk_c[i]), au_id[j], rel(au_t[j])))
			if (au_act[j] == "vm.resumed" && au_t[j] >= bk_b[i] && au_t[j] <= bk_c[i])
				viol(7, "resume:" d ":" bk_b[i], sprintf("domain %s (VM %d) was resumed at %s (audit row %s) while its backup, begun at %s, still moved",
				    d, v, rel(au_t[j]), au_id[j], rel(bk_b[i])))
		}
		if (bk_st[i] != "paused")
			viol(7, "state:" d ":" bk_b[i], sprintf("domain %s (VM %d) was %s at %s, while its backup begun at %s still moved (expected paused)",
			    d, v, bk_st[i], rel(bk_c[i]), rel(bk_b[i])))
	}
	print "C", 7, c7; print "P", 7, p7

	# ---- 8: paused VMs resumed in time; opted-out ones left alone ------
	c8 = 0; p8 = 0
	# a new leader's sweeper starts with no memory: its grace starts over
	nenv0 = nenv
	for (i = 1; i <= nacq; i++) { nenv++; env_d[nenv] = acq_t[i]; env_u[nenv] = acq_t[i] }
	for (i = 1; i <= np; i++) {
		h = p_h[i]; v = p_v[i]; d = p_d[i]
		resumed = 0
		for (j = 1; j <= nres; j++) if (res_v[j] == v && res_t[j] >= p_t[i]) { resumed = res_t[j]; break }
		if (p_o[i]) {
			c8++
			if (resumed && (!(d in op_res) || resumed < op_res[d]))
				viol(8, "optout:" d ":" p_t[i], sprintf("opted-out domain %s (VM %d) paused at %s on host %d was resumed by hawatch at %s",
				    d, v, rel(p_t[i]), h, rel(resumed)))
			continue
		}
		# a host back from a fence is swept once re-armed (returned ->
		# alive after rearm_after healthy); a death in the window exempts
		ts = p_t[i]
		for (e = 1; e <= nhe[h]; e++)
			if (he_k[h, e] == "alive" && he_t[h, e] <= ts && he_t[h, e] + rearm + 3 > ts) ts = he_t[h, e] + rearm + 3
		dl = win_deadline(0, ts, d_resume)
		gone = 0
		for (e = 1; e <= nhe[h]; e++)
			if (he_k[h, e] == "dead" && he_t[h, e] >= p_t[i] - 1 && (dl < 0 || he_t[h, e] <= dl)) gone = 1
		if (gone) continue
		if (dl < 0 || dl > now) { p8++; continue }
		c8++
		if (resumed) print "S", "paused_to_resumed", resumed - p_t[i]
		if (!resumed || resumed > dl)
			viol(8, "late:" d ":" p_t[i], sprintf("domain %s (VM %d) paused at %s on host %d: no vm.resumed audit by %s (pause_grace + 2 intervals + settle + slack)%s",
			    d, v, rel(p_t[i]), h, rel(dl), resumed ? "; resumed only at " rel(resumed) : ""))
		if (last_pause[d] == i && dom_state[h, d] == "paused")
			viol(8, "still:" d ":" p_t[i], sprintf("domain %s (VM %d) on host %d still paused at %s (paused at %s)",
			    d, v, h, rel(now), rel(p_t[i])))
	}
	nenv = nenv0
	print "C", 8, c8; print "P", 8, p8

	# ---- 9: a BMC that reads off while its host runs fences nothing ------
	# (chaos bmc_lies: from the lie until 2 s after the BMC tells the
	# truth again, no decision to fence, no S2, no reconcile of that host)
	c9 = 0
	for (i = 1; i <= nli9; i++) {
		c9++
		h = li9_h[i]; a = li9_0[i]; b = li9_1[i] < 0 ? now : li9_1[i] + 2
		for (j = 1; j <= nkd; j++)
			if (kd_h[j] == h && kd_t[j] >= a && kd_t[j] <= b)
				viol(9, "lie:" h ":" a, sprintf("hawatch:%s %s host %d at %s while its BMC read off and the host ran (lie from %s to %s)",
				    kd_x[j], kd_w[j], h, rel(kd_t[j]), rel(a), li9_1[i] < 0 ? "now" : rel(li9_1[i])))
	}
	print "C", 9, c9

	# ---- E: a host powered on after a fence is reported returned ----------
	cE = 0; pE = 0
	for (h = 1; h <= nhosts; h++) for (e = 1; e <= nhe[h]; e++) {
		if (he_k[h, e] != "alive" || he_rec[h, e] + 0 < 1) continue
		t = he_t[h, e]
		if (t + D_ret > now) { pE++; continue }
		cE++
		ok = 0
		for (k = 1; k <= nrt; k++) if (rt_h[k] == h && rt_t[k] >= t - 1 && rt_t[k] <= t + D_ret) ok = 1
		if (!ok)
			viol("E", "returned:" h ":" t, sprintf("host %d powered on at %s after a fence: no host.returned by %s", h, rel(t), rel(t + D_ret)))
	}
	print "C", "E", cE; print "P", "E", pE

	# ---- D: a live host sharing its twin's IP is never fenced --------------
	cD = 0
	for (i = 1; i <= nd; i++) {
		cD++
		e = dp_e[i] < 0 ? now : dp_e[i]
		for (j = 1; j <= nfs; j++)
			if (fs_h[j] == dp_h[i] && fs_t[j] >= dp_t[i] && fs_t[j] <= e + tick + 1)
				viol("D", "dup:" dp_h[i] ":" fs_t[j], sprintf("host %d, alive and recorded with host %d's private IP since %s, was fenced at %s", dp_h[i], dp_w[i], rel(dp_t[i]), rel(fs_t[j])))
	}
	print "C", "D", cD
	for (n in note) print "N", n
}

function bmc_down_during(h, a, b,    k) {
	for (k = 1; k <= nbi[h]; k++)
		if (bi_d[h, k] < b && (bi_u[h, k] < 0 || bi_u[h, k] > a))
			return 1
	return 0
}
function returned_recently(h, t,    j) {
	for (j = 1; j <= nhe[h]; j++)
		if (he_k[h, j] == "alive" && he_t[h, j] <= t && he_t[h, j] >= t - rearm - 10)
			return 1
	return 0
}
