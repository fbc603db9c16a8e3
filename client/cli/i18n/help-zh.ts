/**
 * 简体中文 of the CLI's help: every text a command module gives commander (descriptions,
 * argument and option help) and commander's own words, keyed by the English text itself as
 * gettext keys by msgid, so that the command modules keep their English and each still
 * loads alone. test/unit/cli-help-zh.test.ts checks that every text the commands declare
 * has its entry here and that no entry is left over.
 */
export const HELP_ZH: Readonly<Record<string, string>> = {
  // commander's own words (help-language.ts)
  'Usage:': '用法：',
  'Arguments:': '参数：',
  'Options:': '选项：',
  'Commands:': '命令：',
  '[options]': '[选项]',
  '[command]': '[命令]',
  default: '默认',
  choices: '可选值',
  'TokenIM: a peer-to-peer, end-to-end encrypted messenger':
    'TokenIM：点对点、端到端加密的即时通讯工具',
  'display help for command': '显示该命令的帮助',
  'output the version number': '显示版本号',
  'create a new identity, sealed with a password, and show its backup phrase; or, with --link, link this device to an existing account':
    '创建一个用密码加密保存的新身份，并显示它的备份短语；或者用 --link 把本设备关联到已有账号',
  "the node's data folder (or TOKENIM_DATA_DIR)": '节点的数据目录（也可用 TOKENIM_DATA_DIR 指定）',
  'print machine-readable JSON': '输出机器可读的 JSON',
  'read the password from this file (or set TOKENIM_PASSWORD)':
    '从这个文件读取密码（也可设置 TOKENIM_PASSWORD）',
  'the one-time code "tokenim devices link" shows on an existing device':
    '已有设备上 "tokenim devices link" 显示的一次性关联码',
  'what to call this device (with --link; default: the host name)':
    '本设备的名称（配合 --link；默认为主机名）',
  'with --link: confirm the codes both devices show without asking (scripts)':
    '配合 --link：不询问，直接确认两台设备显示的验证码（供脚本使用）',
  'with --link: how much of the 1:1 history the existing device hands over: all, none, or a number of days (default: all)':
    '配合 --link：已有设备转交多少单聊记录：all（全部）、none（不转交）或天数（默认 all）',
  'with --link: dial loopback and LAN addresses too (one machine, a LAN)':
    '配合 --link：也连接本机回环和局域网地址（同一台机器或同一局域网时使用）',
  'run the node in the foreground (or in the background with --detach)':
    '在前台运行节点（加 --detach 则在后台运行）',
  'addresses to listen on': '要监听的地址',
  'relays to bootstrap from and stay connected to (each ending in /p2p/<peer id>)':
    '用来引导并保持连接的中继（每个都以 /p2p/<节点 ID> 结尾）',
  'port of the local API on 127.0.0.1, kept for later starts (0: any free port); by default the one kept from the last start':
    '本地 API 在 127.0.0.1 上的端口，以后启动时沿用（0 表示任选空闲端口）；默认沿用上次启动时的端口',
  'keep loopback and LAN addresses in the DHT (local networks)':
    '在 DHT 中保留本机回环和局域网地址（用于局域网）',
  'run in the background; its output goes to node.log in the data dir':
    '在后台运行；输出写入数据目录中的 node.log',
  'let the web client create or unlock the identity: the node waits for it unless TOKENIM_PASSWORD or --password-file gives the password (a terminal is not asked)':
    '由网页客户端创建或解锁身份：除非 TOKENIM_PASSWORD 或 --password-file 提供了密码，节点会等待网页客户端（不在终端中询问）',
  'open the web client in the browser': '在浏览器中打开网页客户端',
  'append one JSON line per local API request to this file':
    '每个本地 API 请求向这个文件追加一行 JSON 记录',
  'lowest level logged (debug and trace name peers)':
    '记录的最低日志级别（debug 和 trace 会写出对方节点）',
  'log JSON lines (always with --detach)': '以 JSON 行格式记录日志（--detach 时总是如此）',
  'this identity: public key, peer id and a fingerprint to compare with friends':
    '本机身份：公钥、节点 ID，以及用来和好友核对的指纹',
  'stop the node running on the data dir': '停止在该数据目录上运行的节点',
  'peer id, listen addresses, connections, relays, data dir and API address of the running node, and how each friend is reached':
    '正在运行的节点的节点 ID、监听地址、连接、中继、数据目录和 API 地址，以及与每位好友的连接方式',
  "the node's local API on 127.0.0.1": '节点在 127.0.0.1 上的本地 API',
  'print the web client address with its token, kept across restarts; --rotate replaces the token (at once on a running node) so every address given out so far stops working':
    '显示带令牌的网页客户端地址（重启后不变）；--rotate 更换令牌（正在运行的节点立即生效），此前给出的所有地址随即失效',
  'replace the token with a new one': '换一个新令牌',
  'export, import or restore the identity key, change its password, two-factor checks':
    '导出、导入或恢复身份密钥，修改密码，两步验证',
  'write the identity, sealed with its password, to a file': '把用密码加密的身份写入文件',
  'where to write the sealed key': '加密密钥的保存位置',
  'a code of your authenticator app, or a recovery code, when two-factor checks are on (or set TOKENIM_2FA_CODE)':
    '开启两步验证时，身份验证器应用生成的验证码或一个恢复码（也可设置 TOKENIM_2FA_CODE）',
  'replace the identity with one from a sealed key file (checked before anything changes)':
    '用加密密钥文件中的身份替换当前身份（更改前会先校验）',
  'a key file written by "tokenim key export"': '由 "tokenim key export" 写出的密钥文件',
  'replace an existing identity in this data dir': '替换该数据目录中已有的身份',
  'restore the identity from its 24-word backup phrase': '用 24 个词的备份短语恢复身份',
  'the backup phrase (else read from TOKENIM_BACKUP_PHRASE or asked)':
    '备份短语（未给出时从 TOKENIM_BACKUP_PHRASE 读取，或询问）',
  'seal the identity under a new password (the key itself stays the same)':
    '用新密码重新加密身份（密钥本身不变）',
  'read the new password from this file (or set TOKENIM_NEW_PASSWORD; else asked twice)':
    '从这个文件读取新密码（也可设置 TOKENIM_NEW_PASSWORD；否则询问两次）',
  'move the account to a new key (a new peer id): the running node tells your friends, then starts again under it':
    '把账号迁移到新密钥（新的节点 ID）：正在运行的节点会通知你的好友，然后以新密钥重新启动',
  'split your recovery phrase among friends, and keep shares for them':
    '把你的恢复短语分成若干份交给好友保管，也替好友保管他们的份额',
  'give each friend named one share; any THRESHOLD of them can give it back':
    '给列出的每位好友一份；其中任意 THRESHOLD 位即可帮你找回',
  'usernames or peer ids of friends': '好友的用户名或节点 ID',
  'shares needed to recover (2..the friends named)': '找回所需的份数（2 到所列好友的人数）',
  'the shares this node keeps for friends': '本节点替好友保管的份额',
  'requests for a share you keep: compare the code with your friend, then answer':
    '索取你所保管份额的请求：先和好友核对验证码，再作答复',
  'release the share of this request (no question asked)': '交出该请求对应的份额（不再询问）',
  'decline this request': '拒绝该请求',
  'give an account from before recovery phrases one: shown once, typed back, then committed':
    '为尚无恢复短语的旧账号生成一个：只显示一次，输入核对后绑定',
  'take the account back with its recovery phrase: a new key that wins over any rotation a thief made':
    '用恢复短语夺回账号：生成的新密钥优先于盗用者做过的任何密钥更换',
  'with --friends: usernames or peer ids of the friends to ask':
    '配合 --friends：要求助的好友的用户名或节点 ID',
  'on a new machine: ask the friends named for their shares instead':
    '在新机器上：改为向列出的好友索取份额',
  'with --friends: the peer id your friends know the account by':
    '配合 --friends：好友所知的该账号的节点 ID',
  'two-factor checks (an authenticator app) on export, the backup phrase and password changes':
    '导出密钥、查看备份短语和修改密码时的两步验证（身份验证器应用）',
  'whether two-factor checks are on, and how many recovery codes are left':
    '两步验证是否已开启，以及还剩多少恢复码',
  'enrol an authenticator app; a first code from it turns the checks on':
    '绑定身份验证器应用；输入它生成的第一个验证码后即开启验证',
  'the secret shown by an earlier "enable" (for scripts)': '之前 "enable" 显示的密钥（供脚本使用）',
  'a code the app made from that secret (or set TOKENIM_2FA_CODE)':
    '应用根据该密钥生成的验证码（也可设置 TOKENIM_2FA_CODE）',
  'turn two-factor checks off (needs a code)': '关闭两步验证（需要验证码）',
  'send an end-to-end encrypted message; it waits in the outbox until delivered':
    '发送端到端加密消息；送达前它在发件箱中等待',
  'a username, a peer id or a hex public key': '用户名、节点 ID 或十六进制公钥',
  'the message (words are joined with spaces)': '消息内容（多个词以空格连接）',
  'wait until the message is stored, delivered, read':
    '等待消息达到指定状态：stored（已存入信箱）、delivered（已送达）、read（已读）',
  'longest wait with --wait': '配合 --wait 时最长等待多久',
  'send to this room instead (then every argument is the message)':
    '改为发到这个群聊（此时所有参数都是消息内容）',
  'text colour': '文字颜色',
  'font size in points': '字号（磅）',
  'bold text': '粗体',
  'italic text': '斜体',
  'conversations, most recent first, with unread counts and the latest message':
    '会话列表，最近的在前，附未读数和最新消息',
  'the messages of one conversation, oldest first, with delivery states':
    '一个会话的消息，最早的在前，附送达状态',
  "a room's messages instead, in the room's order": '改为显示群聊消息，按群聊内的顺序',
  'messages per page': '每页消息数',
  'the page before this one (from "more:" of the previous page)':
    '当前页之前的一页（取自上一页的 "more:"）',
  'messages of every conversation with all these words, newest first':
    '所有会话中包含这些词的消息，最新的在前',
  'older search hits (from "more:" of the previous page)': '更早的搜索结果（取自上一页的 "more:"）',
  'mark a conversation read (the peer gets a read receipt unless turned off)':
    '把会话标为已读（除非已关闭，对方会收到已读回执）',
  'conversations (1:1 and rooms), most recent first, with unread counts':
    '会话（单聊和群聊），最近的在前，附未读数',
  'send a file or image, end-to-end encrypted; large ones resume until received':
    '发送端到端加密的文件或图片；大文件会断点续传直到对方收齐',
  'the file to send': '要发送的文件',
  'a text sent with it': '随文件一起发送的文字',
  "send to this room's members instead (then the one argument is the file)":
    '改为发送给这个群聊的成员（此时唯一的参数就是文件）',
  'with --room: members the caption mentions': '配合 --room：文字中提到（@）的成员',
  'with --room: members the message mentions (peer ids or keys); they are notified':
    '配合 --room：消息中提到（@）的成员（节点 ID 或公钥），他们会收到通知',
  'wait until the recipient has the whole file, showing progress':
    '等待对方收到整个文件，并显示进度',
  'chat with a peer in the terminal: incoming messages show live; type and Enter to send':
    '在终端里与对方聊天：收到的消息实时显示；输入后按 Enter 发送',
  'earlier messages shown first': '打开时先显示的历史消息条数',
  'run a relay: a DHT server, circuit relay and username directory':
    '运行中继：DHT 服务器、电路中继和用户名目录',
  'write a commented default config (relay.yaml) and a new relay key':
    '写出带注释的默认配置（relay.yaml）和新的中继密钥',
  "the relay's data folder (or TOKENIM_RELAY_DATA_DIR)":
    '中继的数据目录（也可用 TOKENIM_RELAY_DATA_DIR 指定）',
  'run the relay in the foreground; JSON logs on stdout; SIGINT/SIGTERM stop it':
    '在前台运行中继；JSON 日志输出到标准输出；SIGINT/SIGTERM 使其停止',
  'the config file (default: relay.yaml in the data dir)':
    '配置文件（默认为数据目录中的 relay.yaml）',
  'peer id, addresses and live counts of the relay running on the data dir':
    '在该数据目录上运行的中继的节点 ID、地址和实时计数',
  'group rooms: create, join, members, invites': '群聊：创建、加入、成员、邀请',
  'create a room you own; prints its id and an invite code to hand out':
    '创建一个由你拥有的群聊；显示群聊 ID 和可分享的邀请码',
  'the room name': '群聊名称',
  'joining needs the invite code, not just the room id': '加入时需要邀请码，仅有群聊 ID 不够',
  'join a room by its id (open rooms) or by an invite code':
    '通过群聊 ID（公开群聊）或邀请码加入群聊',
  'a room id or an invite code': '群聊 ID 或邀请码',
  'peer ids of members to ask for the room': '向哪些成员（节点 ID）索取该群聊',
  'leave a room; the others rekey, so you cannot read what follows':
    '退出群聊；其他成员会更换密钥，你将无法读到此后的消息',
  'the room id (64 hex digits)': '群聊 ID（64 位十六进制数）',
  'the invite code of a room (invite-only rooms: owner and admins)':
    '群聊的邀请码（仅限邀请的群聊：群主和管理员可用）',
  'remove a member (owner and admins); the rest rekey without it':
    '移除成员（群主和管理员可用）；其余成员随即更换密钥',
  "a member's peer id or hex public key": '成员的节点 ID 或十六进制公钥',
  'make a member an admin, or an admin a member again (owner only)':
    '把成员设为管理员，或把管理员改回普通成员（仅群主可用）',
  '"admin" or "member"': '"admin"（管理员）或 "member"（普通成员）',
  'rename a room (owner and admins)': '修改群聊名称（群主和管理员可用）',
  'the new name': '新名称',
  'the members of a room and their roles': '群聊成员及其角色',
  'your rooms, most recent activity first, with unread counts':
    '你的群聊，最近活跃的在前，附未读数',
  'mark a room read': '把群聊标为已读',
  'claim a username for this identity on a relay (renews it if it is already yours)':
    '在中继上为本身份注册用户名（已属于你时则续期）',
  '3-32 characters: a-z, 0-9 and _ . -': '3 到 32 个字符：a-z、0-9 以及 _ . -',
  'relay multiaddr (ending in /p2p/<id>) or peer id; default: the first connected relay':
    '中继的 multiaddr（以 /p2p/<id> 结尾）或节点 ID；默认为第一个已连接的中继',
  'invite code, for relays that register by invitation': '邀请码，用于凭邀请注册的中继',
  'for relays that send a sign-up code by e-mail': '用于通过邮件发送注册验证码的中继',
  'for relays that send a sign-up code by text (+44...)':
    '用于通过短信发送注册验证码的中继（+86…）',
  'for relays that ask for a login with their OpenID provider':
    '用于要求通过其 OpenID 服务登录的中继',
  "a username's public key, verified against the relay's signature":
    '查询用户名对应的公钥，并用中继的签名核验',
  'alice, or alice@<relay peer id> for one relay': 'alice，或 alice@<中继节点 ID> 指定某个中继',
  'usernames starting with a prefix, among those who published a profile':
    '在发布了资料的用户中，按前缀查找用户名',
  'at least 2 characters': '至少 2 个字符',
  'most results (at most 20)': '最多返回多少条结果（不超过 20）',
  'give up a username': '放弃一个用户名',
  "default: this node's only name": '默认为本节点唯一的用户名',
  'the relay it was registered on, when there are several': '有多个中继时，指明注册所在的中继',
  "this identity's usernames": '本身份的用户名',
  'your optional public profile': '你的公开资料（可选）',
  'set the name and picture your friends and rooms see (--name, --avatar), and publish a profile beside your username (every field is optional)':
    '设置好友和群聊看到的名字和头像（--name、--avatar），并随用户名发布个人资料（每一项都可不填）',
  'the name your friends and rooms see, up to 64 characters':
    '好友和群聊看到的名字，最多 64 个字符',
  'your picture for friends and rooms: PNG, JPEG or WebP, at most 96x96 pixels and 16 KiB':
    '给好友和群聊看的头像：PNG、JPEG 或 WEBP 图片，最大 96×96 像素、16 千字节',
  'up to 64 characters': '最多 64 个字符',
  'up to 280 characters': '最多 280 个字符',
  'SHA-256 of your avatar image, hex': '头像图片的 SHA-256（十六进制）',
  'a whole number': '一个整数',
  'only on this relay (default: every relay you hold a name on)':
    '只在这个中继上（默认为你持有用户名的所有中继）',
  'simulate a network of relays and nodes on this machine, in one process or in shard processes (testers)':
    '在本机模拟由中继和节点组成的网络，在单个进程或多个分片进程中运行（供测试人员使用）',
  'run a scenario file; writes results.json, report.html and junit.xml; exits 2 if an expectation fails':
    '运行场景文件；写出 results.json、report.html 和 junit.xml；有预期未满足时以退出码 2 结束',
  'where results.json, report.html and junit.xml go (default: sim-results/<name>-<time>)':
    'results.json、report.html 和 junit.xml 的输出目录（默认为 sim-results/<名称>-<时间>）',
  'print the results summary as JSON': '以 JSON 输出结果摘要',
  'network.remote.listen: where shards from other machines join (host:port or socket path)':
    'network.remote.listen：其他机器上的分片从哪里加入（host:port 或套接字路径）',
  "network.remote.host: this machine's address the shards reach":
    'network.remote.host：分片可以连到的本机地址',
  "hold part of a simulation's nodes for a coordinator on another machine (sim run with network.remote); the token comes from TOKENIM_SIM_TOKEN":
    '为另一台机器上的协调器承载模拟中的一部分节点（配合带 network.remote 的 "sim run"）；令牌取自 TOKENIM_SIM_TOKEN',
  'host:port (or socket path) the coordinator listens on': '协调器监听的 host:port（或套接字路径）',
  "this machine's address the other shards and relays reach": '其他分片和中继可以连到的本机地址',
  'keep trying to reach a coordinator that is not listening yet for this long':
    '协调器尚未监听时，持续尝试连接的时长',
  'friend requests, the friend list with presence, blocking':
    '好友请求、带在线状态的好友列表、屏蔽',
  'ask someone to be your friend; the request waits in the mailbox if they are away':
    '请求添加好友；对方不在线时，请求在信箱中等待',
  'a username (alice or alice@<relay peer id>), a peer id or a hex public key':
    '用户名（alice 或 alice@<中继节点 ID>）、节点 ID 或十六进制公钥',
  'a short note (at most 200 characters)': '简短附言（最多 200 个字符）',
  'pending friend requests, to you and from you': '待处理的好友请求，包括收到的和发出的',
  'accept a friend request': '接受好友请求',
  'decline a friend request (they are told)': '拒绝好友请求（对方会收到通知）',
  'end a friendship, or withdraw your pending request (they are told)':
    '解除好友关系，或撤回待处理的请求（对方会收到通知）',
  "let someone's messages and requests in again": '重新接收某人的消息和请求',
  "drop someone's messages and requests; a friendship with them ends":
    '不再接收某人的消息和请求；与其好友关系随之解除',
  'the people you blocked': '你屏蔽的人',
  'your friends, online first': '你的好友，在线的在前',
  'appear online or offline to your friends (offline: no heartbeats are sent)':
    '对好友显示为在线或离线（离线时不发送心跳）',
  'online or offline': 'online（在线）或 offline（离线）',
  'tell friends when you write to them and see when they write to you, or neither':
    '让好友看到你正在输入、你也看到他们正在输入，或者都不显示',
  'on or off': 'on（开启）或 off（关闭）',
  "this account's devices": '本账号的设备',
  "this account's devices (* marks this one) and the list's version":
    '本账号的设备（* 表示本机）及设备列表的版本',
  'show a one-time code to link a new device to this account, then compare the codes both devices show':
    '显示一次性关联码，把新设备关联到本账号，然后核对两台设备显示的验证码',
  'confirm the codes without asking (scripts)': '不询问，直接确认验证码（供脚本使用）',
  "authorise with the account's recovery phrase instead of the password (a lost device; from TOKENIM_RECOVERY_PHRASE, else asked)":
    '用账号的恢复短语代替密码授权（设备丢失时使用；取自 TOKENIM_RECOVERY_PHRASE，否则询问）',
  'revoke another device of this account: friends drop it, and nothing new reaches it':
    '吊销本账号的另一台设备：好友会将其移除，新消息不再发往该设备',
  'the name or peer id of the device (tokenim devices list)':
    '设备的名称或节点 ID（见 tokenim devices list）',
  'ask another device of this account for its 1:1 history (all, none, or the last DAYS days; the same choice again resumes), or show where the transfer stands':
    '向本账号的另一台设备索取单聊记录（all 全部、none 不要，或最近 DAYS 天；再次做同样的选择会继续传输），或查看传输进度',
  'all, none, or a number of days': 'all（全部）、none（不要）或天数',
  'the device to ask, by name or peer id (default: the one asked last, else any)':
    '要询问的设备，按名称或节点 ID（默认为上次询问的设备，否则任选一台）',
  'show the progress until the transfer ends': '显示进度直到传输结束',
  'rename this device; friends get the new list': '重命名本设备；好友会收到新的设备列表',
  'the new name (at most 64 bytes)': '新名称（最多 64 字节）',
}
