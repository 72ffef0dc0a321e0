"""UI strings, Chinese first, with the English switch of the sidebar."""

from __future__ import annotations

import streamlit as st

from analytics import labels
from analytics import schema as s

_STRINGS: dict[str, tuple[str, str]] = {
    "overview_title": ("部门与收支总览", "Departments and totals"),
    "overview_caption": (
        "数据集中的部门，以及各年度收入、支出总额（万元）。每个数字均可追溯到公开文件的原文。",
        "Departments in the dataset and their income and expenditure totals by year (10k yuan). "
        "Every figure traces back to the published text.",
    ),
    "departments": ("部门", "Departments"),
    "totals": ("年度收支总额", "Totals by year"),
    "no_dataset": (
        "数据集为空：请先用 `analytics ingest 文件` 导入预算公开文件。",
        "The dataset is empty: ingest a disclosure first with `analytics ingest FILE`.",
    ),
    "dataset_error": ("无法打开数据集：", "Cannot open the dataset: "),
    "pick_department": ("选择部门", "Department"),
    "all_departments": ("全部部门", "All departments"),
    "sources": ("数据来源（原文）", "Where each figure was published"),
    "col_name": ("部门名称", "Name"),
    "col_region": ("地区", "Region"),
    "col_year": ("年度", "Year"),
    "col_unit_type": ("单位性质", "Unit type"),
    "col_staff_authorized": ("编制人数", "Authorized staff"),
    "col_staff_actual": ("实有人数", "Actual staff"),
    "col_subordinate": ("下属单位数", "Subordinate units"),
    "col_side": ("口径", "Side"),
    "col_amount": ("金额（万元）", "Amount (10k yuan)"),
    "col_line": ("行号", "Line"),
    "col_source_text": ("原文", "Source text"),
    "col_document": ("文件", "Document"),
    "income": ("收入", "Income"),
    "department_title": ("部门画像", "Department profile"),
    "year_column": ("{year}年", "{year}"),
    "col_latest_change": ("最近一年比上年（%）", "Latest change on the year before (%)"),
    "key_figures_caption": (
        "金额单位：万元，按公开文件所列数字。",
        "Amounts in 10k yuan, as the documents print them.",
    ),
    "key_figures_doubt_caption": (
        "数字后的“⚠”：该年读数存疑，见“读数”列。",
        "⚠ after a figure: its reading is in doubt (see Reading).",
    ),
    "key_figures_long": ("逐年明细（含每个数字的出处文件）", "Year by year (with each figure's document)"),
    "execution_lines": ("决算：按科目的预算执行", "Final accounts: execution by line"),
    "execution_table": ("年度与表", "Year and table"),
    "budget_from_final_column": ("本决算表列", "this final account's table"),
    "budget_from_final_narrative": ("本决算文字说明", "this final account's text"),
    "budget_from_budget_document": ("当年预算", "the year's budget"),
    "budget_from_parts": ("下级科目合计", "sum of its parts"),
    "page_word": ("第{page}页", "p. {page}"),
    "narrative_agrees": ("一致", "agrees"),
    "narrative_differs": ("不一致：文字说明为", "differs: the text says "),
    "col_code": ("科目编码", "Code"),
    "col_subject": ("科目名称", "Subject"),
    "col_initial_budget": ("年初预算（万元）", "Initial budget (10k yuan)"),
    "col_final": ("决算数（万元）", "Actual (10k yuan)"),
    "col_difference": ("决算数减年初预算（万元）", "Actual less initial budget (10k yuan)"),
    "col_execution_rate": ("执行率（%）", "Execution rate (%)"),
    "col_budget_from": ("年初预算出处", "Initial budget from"),
    "col_narrative_final": ("与文字说明的决算数", "Against the text's actual"),
    "execution_lines_caption": (
        "执行率 = 决算数 ÷ 年初预算 × 100。年初预算依次取自：决算表所列年初预算数、决算文字说明逐项所述、当年部门预算；"
        "类、款无所述时为其下级科目之和（仅当每个下级科目均有年初预算）。",
        "Execution rate = actual ÷ initial budget × 100. The initial budget is, in order: the final account's "
        "initial-budget column, its text item by item, the year's budget; a 类 or 款 with none takes the sum of its "
        "parts (only when every part has one).",
    ),
    "viewer_no_changes": (
        "你的角色为只读：可查看和下载数据，导入或移除文件需审计人员账号。",
        "You are signed in read-only: you may view and download the data; importing or removing files needs an "
        "auditor's account.",
    ),
    "department_caption": (
        "一个部门的收支趋势、结构、人均水平、绩效目标与疑点；每个数字均可追溯到公开文件。",
        "One department: trends, structure, per-staff figures, performance targets and findings, each traceable.",
    ),
    "compare_title": ("对比", "Compare"),
    "compare_caption": (
        "多个部门、多个年度并列比较；同类部门中的位置。",
        "Several departments and years side by side; where a department stands among its peers.",
    ),
    "pick_measure": ("指标", "Measure"),
    "pick_departments": ("选择部门（可多选）", "Departments"),
    "pick_peer_basis": ("同类分组依据", "Peer groups by"),
    "peer_region": ("地区", "region"),
    "peer_unit_type": ("单位性质", "unit type"),
    "peer_function": ("主要支出功能", "main function class"),
    "pick_years": ("比较年度", "Years compared"),
    "key_figures": ("主要数字（万元）", "Key figures (10k yuan)"),
    "key_figures_final": ("主要数字（决算数，万元）", "Key figures (actual, 10k yuan)"),
    "no_structure": (
        "表格中未读取到支出结构（基本支出与项目支出）。",
        "No table of spending structure (basic and project) was read.",
    ),
    # Shareable views (app_pages/_url.py): the link to the view on screen, and a link's value that is ignored.
    "share_link": ("复制本页链接（含当前筛选）", "Copy the link to this view (with its filters)"),
    "url_ignored": ("链接中的“{label}”无效，已忽略：{values}", "Ignored from the link, not a valid {label}: {values}"),
    "evidence_page": ("第{n}页", "p. {n}"),
    "evidence_line": ("第{n}行", "l. {n}"),
    "no_key_figures": ("未读取到该部门的主要数字。", "No key figure of this department was read."),
    "no_printed_lines": (
        "该部门的文件中没有读取到表格中的数字。",
        "No figure of a table was read from this department's documents.",
    ),
    "trend": ("趋势", "Trend"),
    "structure": ("支出结构", "Spending structure"),
    "per_staff": ("人均", "Per member of staff"),
    "targets": ("绩效指标", "Performance indicators"),
    "flags": ("疑点", "Findings"),
    "evidence": ("出处", "Where published"),
    "no_flags": ("没有发现疑点。", "No findings."),
    "one_year_only": (
        "{phase}收支合计只读出 {n} 年，无法显示趋势。",
        "Totals of the {phase} read for {n} year(s) only: no trend to show.",
    ),
    # What the dataset holds for a department (analytics.inventory), said the same way on every page; a page that
    # shows fewer years says which and why beside it.
    "inventory_years": ("{n} 年有文件（{documents}）：{years}。", "Documents for {n} year(s) ({documents}): {years}."),
    "inventory_no_documents": ("没有该部门的文件。", "No document of this department."),
    "inventory_documents": ("{phase} {n} 份", "{n} {phase}"),
    "inventory_year_phases": ("{year} 年{phases}", "{year} {phases}"),
    "inventory_phase_budget": ("预算", "budget"),
    "inventory_phase_final": ("决算", "final account"),
    "inventory_and": ("、", ", "),
    "inventory_totals": ("{phase}收支合计读出 {n} 年：{years}", "totals of the {phase} read for {n} year(s): {years}"),
    "inventory_no_totals": ("未读出{phase}收支合计", "no totals of the {phase} read"),
    "inventory_printed_earlier": (
        "（{years} 年为之后年度文件所列的往年数）",
        " ({years}: prior-year figures printed by a later year's document)",
    ),
    "inventory_figures": (
        "表格数字 {lines} 个，文字说明数字 {statements} 个，绩效指标 {indicators} 个，疑点 {flags} 条。",
        "{lines} table figures, {statements} narrative figures, {indicators} indicators, {flags} findings.",
    ),
    "inventory_dataset": (
        "{departments} 个部门，{n} 份文件（{documents}）。",
        "{departments} departments, {n} documents ({documents}).",
    ),
    "inventory_shown_years": (
        "此处所示{what}读出 {n} 年：{years}。",
        "{what} shown here read for {n} year(s): {years}.",
    ),
    "inventory_shown_none": ("此处所示{what}未读出。", "{what} shown here: none read."),
    "inventory_what_key_figures": ("{phase}主要数字", "key figures of the {phase}"),
    "inventory_title": ("所选部门的年度与文件", "Years and documents of the chosen departments"),
    "inventory_of": ("{name}：{text}", "{name}: {text}"),
    "inventory_what_totals": ("{phase}收支合计", "totals of the {phase}"),
    "inventory_what_measure": ("“{measure}”", "“{measure}”"),
    "inventory_what_drilldown": (
        "{phase}{classification}类级数字",
        "class-level figures ({classification}) of the {phase}",
    ),
    "pick_totals_phase": ("预算或决算", "Budget or final account"),
    "no_phase_totals": ("未读出该部门的{phase}收支合计。", "No totals of the {phase} were read for this department."),
    "nothing_to_compare": ("请选择至少一个部门。", "Pick at least one department."),
    # A widget's own placeholder would read in English ("Choose an option") in the Chinese pages.
    "choose_one": ("请选择", "Choose an option"),
    "choose_many": ("请选择（可多选）", "Choose options"),
    "pick_focus": ("突出显示的部门", "Department to highlight"),
    "no_peers": (
        "该部门在此分组依据下没有可比的同类部门，请换一种分组依据。",
        "This department has no peers on this basis; pick another basis.",
    ),
    "no_pair": (
        "所选部门中没有同时公开这两个年度的部门，请换一组年度。",
        "None of the chosen departments published both years; pick other years.",
    ),
    "no_staff": ("未披露编制或实有人数。", "No staffing figures disclosed."),
    "no_targets": ("未读取到绩效指标。", "No performance indicators read."),
    "peers": ("同类部门中的位置", "Among peers"),
    "slope": ("两年对比", "Two years compared"),
    "heatmap": ("疑点分布（部门 × 规则族）", "Findings by department and rule family"),
    "flags_title": ("疑点", "Findings"),
    "flags_overview": ("疑点概况", "Findings at a glance"),
    "to_flags": ("查看全部疑点", "See every finding"),
    "highlight_department": ("突出显示的部门", "Department to highlight"),
    "highlight_help": (
        "部门较多时，只有所选部门以彩色显示并标注金额，其他部门为灰色（鼠标悬停可见名称）。",
        "With many departments, only this one is drawn in colour and labelled; the others are grey (hover for names).",
    ),
    "missing": ("缺失与未公开", "What is missing"),
    "nothing_missing": ("未发现缺失的表格或信息。", "Nothing missing was found."),
    "flags_caption": (
        "核查规则与异常模型发现的全部疑点，以及读取程序的读数存疑（可按疑点来源分开查看）：按级别、规则族、部门、"
        "年度筛选，查看出处，记录核实结论。",
        "Every finding of the checks and the anomaly models, and the reader's doubts about its reading (apart, by "
        "who raised them): filter, see where each figure was published, record what you made of it.",
    ),
    "no_flags_at_all": ("数据集中没有疑点。", "The dataset has no findings."),
    "no_flags_match": ("没有符合筛选条件的疑点。", "No finding matches the filters."),
    # Codes read by their labels in analytics.labels (severities and phases).
    **{f"severity_{code}": pair for code, pair in labels.SEVERITIES.items()},
    "filter_severity": ("级别", "Severity"),
    "filter_family": ("规则族", "Rule family"),
    "filter_status": ("核实状态", "Triage status"),
    "filter_year": ("年度", "Year"),
    "all": ("全部", "All"),
    "undecided": ("待核实", "To verify"),
    "col_family": ("规则族", "Family"),
    "col_status": ("核实状态", "Status"),
    "col_observed": ("实际", "Observed"),
    "col_expected": ("应为", "Expected"),
    "col_threshold": ("阈值", "Threshold"),
    "col_table": ("表或部分", "Table or part"),
    "col_page": ("页码", "Page"),
    "col_time": ("时间", "Time"),
    "flag_detail": ("疑点详情与出处", "Finding and its sources"),
    "pick_flag": ("选择疑点", "Pick a finding"),
    # --- sign-in, roles and the triage author (app_pages/_auth.py) ---
    "sign_in_title": ("登录", "Sign in"),
    "sign_in_caption": (
        "本应用供团队使用，请用管理员为你开设的账号登录。",
        "This app is served to a team: sign in with the account your administrator made for you.",
    ),
    "sign_in_name": ("用户名", "User name"),
    "sign_in_password": ("密码", "Password"),
    "sign_in_submit": ("登录", "Sign in"),
    "sign_in_failed": ("用户名或密码不正确，请重新输入。", "Wrong user name or password; please try again."),
    "sign_in_slow": (
        "登录失败次数较多，之后每次尝试需稍候片刻。",
        "Several failed attempts: each new one waits a moment.",
    ),
    "sign_in_oidc": ("通过单位统一身份认证登录", "Sign in with your organization's account"),
    "sign_in_oidc_error": ("无法转到身份认证服务：", "Cannot reach the identity provider: "),
    "sign_in_not_listed": (
        "你已通过身份认证，但此账号不在本应用的用户名单中，请联系管理员。",
        "You are signed in with the identity provider, but this account is not in the app's users file; "
        "ask an administrator.",
    ),
    "sign_in_or": ("或使用用户名和密码登录：", "Or sign in with a user name and password:"),
    "sign_out": ("退出登录", "Sign out"),
    "signed_in_as": ("已登录：**{name}**（{role}）", "Signed in: **{name}** ({role})"),
    "local_user": (
        "本机使用，无需登录；核实人记为 {name}",
        "Local use, no sign-in; decisions are recorded as by {name}",
    ),
    "local_user_unknown": ("本机用户", "local user"),
    "users_file_error": (
        "用户名单有误，修正之前任何人都不能登录：",
        "The users file is not valid; nobody can sign in until it is fixed: ",
    ),
    "triage_by": ("核实人：{name}", "By: {name}"),
    "triage_viewer_only": (
        "你的角色为只读：可以查看疑点及其核实记录，但不能记录核实结论。如需核实，请联系管理员开通核实权限。",
        "Your role is viewer: you can read the findings and their triage history but not record a decision. "
        "Ask an administrator for the auditor role.",
    ),
    "triage": ("核实结论", "Triage"),
    "triage_note": ("说明", "Note"),
    "triage_author": ("核实人", "By"),
    "triage_save": ("保存结论", "Save"),
    "triage_saved": ("已保存。", "Saved."),
    "orphans": (
        "{n} 条结论所针对的疑点已不再出现（文件被替换或规则变化），结论仍保留：",
        "{n} decision(s) on findings no longer raised (a document replaced, a rule changed), kept:",
    ),
    "data_title": ("数据", "Data"),
    "data_caption": (
        "上传部门预算、决算公开文件（PDF、文本、Excel）导入数据集；查看每份公开的读数报告；下载规范化数据表与疑点。",
        "Upload disclosures (PDF, text, Excel) into the dataset; see each disclosure's reading report; download the "
        "normalized tables and the findings.",
    ),
    "upload": ("上传文件", "Upload"),
    "upload_label": (
        "选择文件（可多选；同一公开的两个 PDF 请一并上传）",
        "Files (a disclosure split in two PDFs: both)",
    ),
    "ingest": ("导入", "Ingest"),
    "reading": ("读取", "Reading"),
    # The published page behind a figure (app_pages/_evidence.py).
    "source_page": ("原文页面", "The published page"),
    "pick_evidence": ("选择一条证据，查看其原文页面", "Evidence to show on its published page"),
    "source_caption": ("{name} · 第{page}页 · 第{line}行", "{name} · page {page} · line {line}"),
    "source_caption_page": ("{name} · 第{page}页", "{name} · page {page}"),
    "source_caption_text": ("{name} · 第{line}行", "{name} · line {line}"),
    "source_missing": (
        "原文件不在数据集中，无法显示页面图像；以下是读取时记录的该处文字。",
        "The source file is not kept with the dataset, so the page cannot be shown; below is the text as it was read.",
    ),
    "source_missing_hint": (
        "重新导入该文件，或将其所在文件夹加入环境变量 `ANALYTICS_SOURCES`，即可显示原文页面。",
        "Ingest the file again, or add its folder to `ANALYTICS_SOURCES`, to see the page.",
    ),
    "source_not_found": (
        "未能在该页找到所引文字，显示整页（未标出）。",
        "The cited text was not found on this page: the whole page is shown, unmarked.",
    ),
    "source_off_page": (
        "所引文字位于页面可见范围之外（文件的文字层中有，印出的页面上看不到），显示整页（未标出）。",
        "The cited text lies beyond the page's edge (in the file's text layer, not on the printed page): "
        "the whole page is shown, unmarked.",
    ),
    "source_whole_page": ("整页", "Whole page"),
    "source_no_place": ("该证据未记录页码或行号，无法定位原文。", "This evidence has no page or line to show."),
    "source_text_lines": ("原文（所引行已标出）", "The text (cited lines marked)"),
    "col_cited": ("所引", "Cited"),
    "figure_source": ("关键数字的原文页面", "A key figure on its published page"),
    "pick_figure": ("选择关键数字", "Key figure"),
    "figure_no_source": (
        "该数字由其他数字推算得出，或在其文件的表格和文字中找不到同一金额。",
        "This figure is derived from others, or no table or sentence of its document prints the amount.",
    ),
    "pick_figure_place": ("该数字的出处", "Where it is printed"),
    "too_big": ("{name}：文件超过 {limit} MB 上限。", "{name}: larger than the {limit} MB limit."),
    "wrong_type": ("{name}：不支持的文件类型，应为 {types}。", "{name}: unsupported type; expected {types}."),
    "unexpected": ("读取时出现意外错误：{error}", "Unexpected error while reading: {error}"),
    "dataset_unchanged": ("数据集未改动。", "The dataset is unchanged."),
    "duplicate_uploads": ("重复文件：{names} 只导入一次。", "Duplicate files: {names} imported once."),
    "shared_name_uploads": (
        "同名的不同文件：{names}，均已导入。",
        "Different files with one name: {names}; all were imported.",
    ),
    "ingested": (
        "已导入 {n} 个文件；数据集现有 {documents} 份文件。",
        "{n} file(s) ingested; the dataset holds {documents} documents.",
    ),
    "download": ("下载", "Download"),
    "format": ("格式", "Format"),
    "download_tables": ("下载全部数据表", "Download every table"),
    "download_flags": ("下载疑点", "Download the findings"),
    "format_xlsx": ("Excel 审计工作簿", "Excel audit workbook"),
    "format_fdp": ("财政数据包（Fiscal Data Package）", "Fiscal Data Package"),
    "export_scope": ("导出范围", "What to export"),
    "explore_title": ("钻取与搜索", "Explore and search"),
    "explore_caption": (
        "按支出功能分类或经济分类逐级查看一个部门的支出（类 → 款 → 项）及其与上年的增减；按关键词搜索表格行、项目、"
        "文字说明、绩效指标和疑点。",
        "One department's spending by functional or economic classification, level by level (class → section → "
        "item), with the change on the year before; keyword search across table lines, projects, statements, "
        "performance indicators and findings.",
    ),
    "explore_drill": ("逐级查看", "Drill down"),
    "explore_classification": ("分类", "Classification"),
    "explore_function": ("支出功能分类", "Functional classification"),
    "explore_economic": ("支出经济分类", "Economic classification"),
    "explore_phase": ("口径", "Phase"),
    "explore_year": ("年度", "Year"),
    "explore_no_figures": (
        "该部门没有读取到这一分类、这一口径的科目数字，请换一个分类、口径或部门。",
        "No figures of this classification and phase were read for this department: try another classification, "
        "phase or department.",
    ),
    "explore_no_children": ("该科目没有下级科目。", "This line has no lines below it."),
    "explore_top": ("全部类", "All classes"),
    "explore_breadcrumb": ("当前位置", "You are here"),
    "explore_level_1": ("类", "Class"),
    "explore_level_2": ("款", "Section"),
    "explore_level_3": ("项", "Item"),
    "explore_period": (
        "{year} 年{phase}数（万元），与 {previous} 年比较。",
        "{year} {phase} figures (10k yuan), compared with {previous}.",
    ),
    "explore_period_alone": (
        "{year} 年{phase}数（万元）；数据集中没有 {previous} 年的数字，无法比较。",
        "{year} {phase} figures (10k yuan); the dataset has no figures for {previous} to compare with.",
    ),
    "explore_pick_row": (
        "点击表格中的一行，或在下面选择科目，查看其下级科目。",
        "Click a row of the table, or choose a line below, to see the lines under it.",
    ),
    "explore_drill_into": ("查看下级科目", "Open the lines under"),
    "explore_drill_placeholder": ("选择科目", "Choose a line"),
    "explore_col_code": ("科目编码", "Code"),
    "explore_col_name": ("科目名称", "Name"),
    "explore_col_amount": ("本年（万元）", "This year (10k yuan)"),
    "explore_col_previous": ("上年（万元）", "Year before (10k yuan)"),
    "explore_col_change": ("增减（万元）", "Change (10k yuan)"),
    "explore_col_rate": ("增减率", "Change rate"),
    "explore_col_share": ("占上级比重", "Share of the level above"),
    "explore_col_identity": ("与下级合计核对", "Lines below"),
    "explore_col_comparison": ("与上年比较", "Comparison with the year before"),
    "explore_col_source": ("出处", "Where published"),
    "explore_identity_holds": ("相符", "add up"),
    "explore_identity_broken": ("不符，差 {diff} 万元", "do not add up: {diff} (10k yuan) apart"),
    "explore_identity_no_children": ("无下级科目", "none"),
    "explore_comparison_compared": ("可比", "comparable"),
    "explore_comparison_new": ("上年未列", "not printed the year before"),
    "explore_comparison_no_prior_year": ("无上年数据", "no figures of the year before"),
    "explore_comparison_code_changed": ("口径变化，不比较（{why}）", "not compared: meaning changed ({why})"),
    "explore_change_renamed": ("科目更名", "renamed"),
    "explore_change_added": ("新设科目", "new code"),
    "explore_change_removed": ("科目已撤销", "code withdrawn"),
    "explore_change_widened": ("范围扩大", "widened"),
    "explore_change_narrowed": ("范围缩小", "narrowed"),
    "explore_change_code_reused": ("同一编码用于其他科目", "code reused for another line"),
    "explore_change_other": ("口径调整", "changed"),
    "explore_parent_line": (
        "{name}：本年 {amount} 万元，下级科目合计{identity}。",
        "{name}: {amount} (10k yuan) this year; the lines below {identity}.",
    ),
    "explore_page_line": ("第{page}页第{line}行", "p. {page}, l. {line}"),
    "explore_page": ("第{page}页", "p. {page}"),
    "explore_line": ("第{line}行", "l. {line}"),
    "explore_search": ("搜索", "Search"),
    "explore_query": ("关键词（多个词用空格分开，须同时出现）", "Keywords (separated by spaces; all must occur)"),
    "explore_query_placeholder": ("例如：公务接待  或  行政运行 2018", "e.g. 公务接待  or  行政运行 2018"),
    "explore_kinds": ("搜索范围", "Search in"),
    "explore_kind_line": ("表格行", "Table line"),
    "explore_kind_project": ("项目", "Project"),
    "explore_kind_statement": ("文字说明", "Statement"),
    "explore_kind_indicator": ("绩效指标", "Indicator"),
    "explore_kind_flag": ("疑点", "Finding"),
    "explore_search_hint": (
        "输入关键词后按回车。不区分全角半角和大小写，词中的空格不影响匹配。",
        "Type keywords and press Enter. Full-width and half-width forms, case and spaces inside words do not matter.",
    ),
    "explore_no_kinds": ("请至少选择一个搜索范围。", "Choose at least one place to search."),
    "explore_no_results": (
        "没有找到同时包含这些词的内容。可以减少关键词，或换一种说法。",
        "Nothing holds all of these words. Try fewer words, or other ones.",
    ),
    "explore_results": ("找到 {n} 条结果。", "{n} results."),
    "explore_results_more": (
        "结果较多，仅显示前 {n} 条；请增加关键词缩小范围。",
        "Many results: the first {n} are shown; add words to narrow the search.",
    ),
    "explore_col_kind": ("类型", "Kind"),
    "explore_col_department": ("部门", "Department"),
    "explore_col_year": ("年度", "Year"),
    "explore_col_phase": ("口径", "Phase"),
    "explore_col_file": ("文件", "File"),
    "explore_col_page": ("页码", "Page"),
    "explore_col_line": ("行号", "Line"),
    "explore_col_snippet": ("摘录", "Excerpt"),
    "explore_col_found_amount": ("金额（万元）", "Amount (10k yuan)"),
    "export_note": (
        "Excel 工作簿：每张表一个工作表，金额为元并附万元列，表头冻结，疑点附原文出处与核实状态；以 = + - @ "
        "开头的文字保存为文本，打开时不会执行公式。财政数据包：datapackage.json 加 CSV，功能、经济与部门分类分级，"
        "可供 OpenSpending 类工具读取。",
        "Excel workbook: a sheet per table, money in yuan with a 10,000-yuan column beside it, frozen headers, "
        "findings with their evidence and triage state; text starting with = + - @ is stored as text, so no "
        "formula runs. Fiscal Data Package: datapackage.json plus CSV with functional, economic and "
        "administrative classification by level, readable by OpenSpending-style tools.",
    ),
    "remove_title": ("移除文件", "Remove documents"),
    "remove_caption": (
        "从工作数据集中移除所选文件：其数字和疑点一并移除，核实记录保留，重新导入后恢复。随项目提供的数据集不受影响。",
        "Take the chosen documents out of the working dataset: their figures and findings go, the triage decisions "
        "stay and come back when a document is read again. The shipped dataset is never changed.",
    ),
    "remove_pick": ("要移除的文件", "Documents to remove"),
    "remove_placeholder": ("选择一份或多份文件", "Choose one or more documents"),
    "remove_confirm": ("确认移除所选 {n} 份文件", "Yes, remove the {n} chosen document(s)"),
    "remove_confirm_none": ("确认移除所选文件", "Yes, remove the chosen documents"),
    "remove_button": ("移除", "Remove"),
    "removed": ("已移除 {n} 份文件；数据集现有 {documents} 份文件。", "Removed {n} document(s); {documents} left."),
    "dataset_where": ("数据集位置：{path}（{documents} 份文件）", "Dataset: {path} ({documents} documents)"),
    "brief_title": ("简报", "Brief"),
    "brief_caption": (
        "人大预算审查用的部门简报：主要数字与趋势、支出构成、人均指标、同组比较、绩效目标，以及由疑点生成的质询问题"
        "（附原文出处）。可下载 PDF 打印或 HTML 分享；审核中标为“误报”的疑点不列入。",
        "A department's brief for the budget hearing: key figures and their trend, composition, per-staff figures, "
        "peers, performance targets, and the flags turned into questions (with where each figure was published). "
        "Download it as PDF to print or as HTML to share; flags triaged as false positives are left out.",
    ),
    "brief_year": ("年度", "Year"),
    "phase_budget": ("部门预算", "Budget"),
    "phase_final": ("部门决算", "Final account"),
    "brief_phase": ("预算或决算", "Budget or final account"),
    "download_brief_pdf": ("下载 PDF（打印用）", "Download PDF (to print)"),
    "download_brief_html": ("下载 HTML", "Download HTML"),
    "brief_batch": (
        "为全部部门批量生成：`analytics brief --all --out briefs`",
        "Every department at once: `analytics brief --all --out briefs`",
    ),
    "col_measure": ("指标", "Measure"),
    "col_target_changed": ("较以前年度有变化", "Changed"),
    "col_change_pct": ("同比（%）", "Change (%)"),
    "col_basis": ("口径", "Basis"),
    "basis_actual": ("实有人数", "Actual staff"),
    "basis_authorized": ("编制数", "Authorized posts"),
    "col_staff": ("人数", "Staff"),
    "col_per_staff": ("人均（万元）", "Per person (10k yuan)"),
    "col_severity": ("级别", "Severity"),
    "col_message": ("说明", "Finding"),
    "col_rule": ("规则", "Rule"),
    "col_peer_group": ("比较组（模型）", "Compared with (models)"),
    "col_score": ("得分（模型）", "Score (models)"),
    "col_level1": ("一级指标", "Level 1"),
    "col_indicator": ("三级指标", "Indicator"),
    "col_prior_targets": ("往年目标", "Earlier targets"),
    "col_target": ("指标值", "Target"),
    "expenditure": ("支出", "Expenditure"),
    # The reading report (数据 page) and the readers' doubts wherever figures are shown.
    "reading_report": ("读数报告", "Reading report"),
    "reading_caption": (
        "每份公开一行：按其阶段与范围应有的标准表、已读取的表、缺表与无法读取的表，以及读取的数字中由表内恒等式或"
        "第二来源核实的占比。读数存疑是读取程序对读数的疑问（附页码），不是文件本身的错误，请先核对原文。",
        "One row per disclosure: the standard tables its phase and scope require, those read, those missing or "
        "unreadable, and the share of the figures read that an identity of the form or a second source confirms. "
        "A reading doubt is the reader's question about its own reading (with the page), not an error of the "
        "document: check the page first.",
    ),
    "reading_findings": ("读数存疑明细", "Reading doubts"),
    "no_reading_findings": (
        "没有读数存疑：未发现不成立的表内恒等式、无法识读的单元格或无法读取的表格。",
        "No reading doubts: no identity of a form fails, no cell or table was unreadable.",
    ),
    "no_reading_report": ("所选部门没有公开文件。", "The department chosen has no disclosure."),
    "col_department": ("部门", "Department"),
    "col_phase": ("阶段", "Phase"),
    "col_scope": ("范围", "Scope"),
    "scope_department": ("部门", "Department"),
    "scope_unit": ("单位", "Unit"),
    "col_tables_expected": ("应有表", "Tables required"),
    "col_tables_found": ("已读表", "Tables read"),
    "col_tables_missing": ("缺表", "Missing"),
    "col_tables_unreadable": ("无法读取", "Unreadable"),
    "col_figures": ("数字", "Figures"),
    "col_share_verified": ("已核实占比", "Verified"),
    "col_contradicted": ("不符", "Contradicted"),
    "col_reading_findings": ("读数存疑", "Reading doubts"),
    "col_statements": ("文字陈述", "Statements"),
    "col_kind": ("类别", "Kind"),
    "kind_contradicted": ("读数未能核实（恒等式不成立）", "Not verified (an identity fails)"),
    "kind_bad_cell": ("无法识读的单元格", "Unreadable cell"),
    "kind_unreadable_table": ("无法读取的表格", "Unreadable table"),
    "kind_refused_page": ("无法读取的页面", "Unreadable page"),
    "kind_unplaced_amount": ("未能归栏的金额", "Amount not placed in a column"),
    "kind_unit_inferred": ("推定的计量单位", "Unit inferred"),
    "kind_blank_total": ("空白的合计", "Total left blank"),
    "none": ("—", "—"),
    "colon": ("：", ": "),
    "list_separator": ("；", "; "),
    "filter_source": ("疑点来源", "Raised by"),
    "source_all": ("全部", "All"),
    "source_document": ("文件本身（规则与模型）", "The document (rules and models)"),
    "source_reader": ("读数存疑（读取程序）", "Reading doubts (the reader)"),
    "reader_flag_note": (
        "这是读取程序对读数的疑问，不是文件本身的错误：请先核对原文所在页，不作为对部门的质询。",
        "This is the reader's doubt about its own reading, not an error of the document: check the page first; "
        "it is not a question for the department.",
    ),
    "doubt_mark": ("⚠ 读数存疑", "⚠ reading doubt"),
    "col_reading": ("读数", "Reading"),
    "col_verified_by": ("核实依据", "Checked by"),
    "col_verification": ("核实", "Verified"),
    "verification_verified": ("已核实", "verified"),
    "verification_unverified": ("未核实", "not verified"),
    "verification_contradicted": ("⚠ 不符", "⚠ contradicted"),
    "doubt_caption": (
        "标有“⚠ 读数存疑”的数字，其所在的表内恒等式不成立（见“核实依据”）；引用前请核对原文，明细见数据页的读数报告。",
        "Figures marked “⚠ reading doubt” take part in an identity of the form that fails (see “Checked by”); check "
        "the page before quoting them; the Data page's reading report lists every doubt.",
    ),
    "mark_narrative": ("（据文字说明）", "(from the narrative)"),
    "mark_derived": ("（按勾稽关系推算）", "(derived from the form's identities)"),
    "marks_help": (
        "⚠ 读数存疑：所在的表内恒等式不成立；（据文字说明）：表中未列，取自文字说明；（按勾稽关系推算）：由表内"
        "勾稽关系（如“三公”经费 = 因公出国(境)费 + 公务用车购置及运行费 + 公务接待费）推算，文件未直接列出。",
        "⚠ reading doubt: an identity of the form it takes part in fails; (from the narrative): no table prints it, "
        "a sentence of the narrative does; (derived from the form's identities): computed from the other figures "
        "(e.g. three public expenses = travel abroad + vehicles + receptions), not printed as such.",
    ),
    "narrative_caption": (
        "标有“（据文字说明）”的数字表中未列，取自文件的文字说明。",
        "Figures marked “(from the narrative)” are printed in no table but stated in the narrative.",
    ),
    "derived_caption": (
        "标有“（按勾稽关系推算）”的数字文件未直接列出，由其他数字按表内勾稽关系推算。",
        "Figures marked “(derived from the form's identities)” are not printed as such but computed from the others.",
    ),
    "compare_marked": (
        "图中以下数字并非表中所列数字，或读数存疑：",
        "These figures of the charts are not printed in a table, or their reading is in doubt:",
    ),
    "doubts_metric": ("读数存疑", "Reading doubts"),
    "doubts_metric_help": (
        "读取程序对读数的疑问（不是文件本身的错误），见数据页的读数报告。",
        "The reader's doubts about its reading (not errors of the documents); see the Data page's reading report.",
    ),
    "part_narrative": ("文字说明", "Narrative"),
    "part_targets": ("绩效目标", "Performance targets"),
    "part_document": ("全文", "Whole document"),
    # The coverage ledger (疑点 and 部门画像) and the disclosure score (总览).
    "coverage_title": ("未能核对的项目", "Checks that could not run"),
    "coverage_caption": (
        "以下核对因缺少所需的表格或信息未能进行：没有疑点不等于核对通过。原因是文件未公开、无法读取，或数据集中没有"
        "所需的上年文件等。",
        "These checks could not run for lack of a table or of information they need: no finding is not the same "
        "as a check passed. The reason is a table not published or unreadable, no prior-year document in the "
        "dataset, and the like.",
    ),
    "coverage_summary": (
        "按每份公开逐项计：已进行 {ran} 项核对，{not_run} 项未能进行。",
        "Counted per disclosure: {ran} checks ran, {not_run} could not.",
    ),
    "coverage_none": ("所选范围内的每项核对均已进行。", "Every check ran on the disclosures shown."),
    "coverage_empty": ("所选范围内没有公开文件。", "No disclosure in the range chosen."),
    "col_check": ("核对项目", "Check"),
    "col_reason": ("原因", "Reason"),
    "score_title": ("公开质量评分", "Disclosure score"),
    "score_caption": (
        "每份公开满分 100 分，按财政部地方预决算公开专项检查的维度（完整性、细化程度、真实性与准确性）与《地方预决算"
        "公开操作规程》（财预〔2016〕143号）的要求评分：应公开的表、说明的各部分、功能分类到项级、经济分类到款级、"
        "“三公”经费分项及说明、绩效目标、核对通过率。及时性与公开方式数据集无从衡量，未评分；无法衡量的项目不计入，"
        "总分按已评分项目折算为 100 分。排名为同地区、同年度、同类公开之间的名次。",
        "Each disclosure out of 100, on the dimensions of the Ministry of Finance's inspection of local budget "
        "disclosure (completeness, detail, accuracy) and the requirements of its operating rules (财预〔2016〕143号): "
        "required tables, sections of the narrative, function classes to 项, economic classes to 款, the 三公 parts "
        "and their explanation, performance targets, checks passed. Timeliness and access are not scored: the "
        "dataset cannot measure them; an item it cannot measure is left out and the total scaled to 100. The rank "
        "is among disclosures of the same region, year and kind.",
    ),
    "score_none": ("数据集中没有可评分的公开。", "No disclosure to score."),
    "col_score_total": ("评分（满分 100）", "Score (of 100)"),
    "col_rank": ("同地区排名", "Rank in region"),
    "rank_text": ("第 {rank} / {of} 名", "{rank} of {of}"),
    "score_items": ("评分明细", "Score by item"),
    "pick_score_disclosure": ("查看明细的公开", "Disclosure to detail"),
    "col_item": ("评分项目", "Item"),
    "col_dimension": ("维度", "Dimension"),
    "col_points": ("得分", "Points"),
    "col_max_points": ("满分", "Of"),
    "col_detail": ("所衡量的情况", "What was measured"),
    "not_scored": ("未评分", "not scored"),
}


def english() -> bool:
    """Whether the sidebar switch selects English."""
    return bool(st.session_state.get("lang_en"))


def lang() -> str:
    """The language of charts and briefs: ``"en"`` or ``"zh"``."""
    return "en" if english() else "zh"


def pick(pair: tuple[str, str]) -> str:
    """The text of a (Chinese, English) pair (``analytics`` label tables) in the selected language."""
    return pair[1] if english() else pair[0]


def t(key: str) -> str:
    """The UI string for ``key`` in the language the sidebar switch selects."""
    return pick(_STRINGS[key])


def phase_labels() -> dict[str, str]:
    """Phase → 预算 / 决算 (Budget / Final account)."""
    return labels.labels("phase", lang=lang())


def table_labels() -> dict[str, str]:
    """Table key (and the parts a flag's evidence names: narrative, targets, document) → its name."""
    catalog = labels.labels("table", lang=lang())
    return {**catalog, **{part: t(f"part_{part}") for part in ("narrative", "targets", "document")}}


def severity_labels() -> dict[str, str]:
    """Flag severity → its label, most severe first."""
    return {severity: t(f"severity_{severity}") for severity in reversed(s.SEVERITIES)}


def number_formats(*, money: tuple[str, ...] = (), percent: tuple[str, ...] = (), year: tuple[str, ...] = ()) -> dict:
    """``column_config`` for tables: 万元 with thousands separators and 2 decimals, percentages with one, plain years.

    Arguments are UI string keys of the column labels (as passed to ``t``).
    """
    config: dict = {}
    for key in money:
        config[t(key)] = st.column_config.NumberColumn(format="%,.2f")
    for key in percent:
        config[t(key)] = st.column_config.NumberColumn(format="%.1f")
    for key in year:
        config[t(key)] = st.column_config.NumberColumn(format="%d")
    return config
