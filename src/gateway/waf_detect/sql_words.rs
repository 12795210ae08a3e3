//! SQL vocabulary: keywords the parser understands and function names grouped
//! by what an attacker uses them for.

/// Words longer than this are never keywords or known functions.
const MAX_WORD: usize = 40;

/// Lower-cases an ASCII word into `buf`; `None` when it is too long or not ASCII.
pub(super) fn lower<'a>(word: &[u8], buf: &'a mut [u8; MAX_WORD]) -> Option<&'a [u8]> {
    if word.len() > MAX_WORD || !word.is_ascii() {
        return None;
    }
    let out = buf.get_mut(..word.len())?;
    for (o, c) in out.iter_mut().zip(word) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
}

/// What a word means to the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Word {
    /// A keyword.
    Kw(Kw),
    /// A value that needs no parentheses (`NULL`, `TRUE`, `CURRENT_USER` ...).
    Literal(Lit),
    /// Anything else: a column, table or function name, or plain text.
    Ident,
}

/// Literal-like words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lit {
    /// `TRUE`, `FALSE`, `UNKNOWN`.
    Bool,
    /// `NULL`.
    Null,
    /// Niladic functions that reveal the session (`CURRENT_USER`, `SYSTEM_USER` ...).
    Session,
}

/// Keywords. Several spellings map to one variant when the parser treats
/// them alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kw {
    Select,
    From,
    Where,
    Having,
    Union,
    All,
    Distinct,
    Group,
    Order,
    By,
    Limit,
    Offset,
    Into,
    Outfile,
    Values,
    Insert,
    Update,
    Delete,
    Drop,
    Create,
    Alter,
    Truncate,
    Exec,
    Declare,
    Set,
    Waitfor,
    Delay,
    Shutdown,
    Procedure,
    Case,
    When,
    Then,
    Else,
    End,
    As,
    On,
    Join,
    JoinMod,
    Using,
    Top,
    Exists,
    AscDesc,
    Not,
    And,
    Or,
    /// `LIKE`, `RLIKE`, `REGEXP`, `ILIKE`, `GLOB`.
    Like,
    Sounds,
    Is,
    In,
    Between,
    /// `DIV`, `MOD` used as operators.
    DivMod,
    Collate,
    Escape,
    Binary,
    If,
    Begin,
    Load,
    Grant,
    Call,
    With,
    For,
    /// Object kinds after DROP/CREATE/ALTER: TABLE, DATABASE, USER ...
    Object,
    /// `IMMEDIATE` (Oracle `EXECUTE IMMEDIATE`).
    Immediate,
    /// `BACKUP` (MSSQL `BACKUP DATABASE x TO ...`).
    Backup,
    /// `COPY` (PostgreSQL `COPY t FROM 'file'`).
    Copy,
    /// `USE db` (MSSQL, MySQL).
    Use,
    /// `PRINT` (MSSQL).
    Print,
}

/// Classifies one word (as written, any case).
pub(super) fn classify(word: &[u8]) -> Word {
    let mut buf = [0u8; MAX_WORD];
    let Some(w) = lower(word, &mut buf) else {
        return Word::Ident;
    };
    use Kw::*;
    let kw = match w {
        b"select" => Select,
        b"from" => From,
        b"where" => Where,
        b"having" => Having,
        b"union" | b"except" | b"intersect" => Union,
        b"all" => All,
        b"distinct" | b"distinctrow" => Distinct,
        b"group" => Group,
        b"order" => Order,
        b"by" => By,
        b"limit" => Limit,
        b"offset" => Offset,
        b"into" => Into,
        b"outfile" | b"dumpfile" => Outfile,
        b"values" | b"value" => Values,
        b"insert" | b"replace" => Insert,
        b"update" => Update,
        b"delete" => Delete,
        b"drop" => Drop,
        b"create" => Create,
        b"alter" | b"rename" => Alter,
        b"truncate" => Truncate,
        b"exec" | b"execute" => Exec,
        b"declare" => Declare,
        b"set" => Set,
        b"waitfor" => Waitfor,
        b"delay" => Delay,
        b"shutdown" => Shutdown,
        b"procedure" => Procedure,
        b"case" => Case,
        b"when" => When,
        b"then" => Then,
        b"else" => Else,
        b"end" => End,
        b"as" => As,
        b"on" => On,
        b"join" | b"straight_join" => Join,
        b"inner" | b"outer" | b"cross" | b"natural" | b"full" => JoinMod,
        b"using" => Using,
        b"top" => Top,
        b"exists" => Exists,
        b"asc" | b"desc" => AscDesc,
        b"not" => Not,
        b"and" => And,
        b"or" | b"xor" => Or,
        b"like" | b"rlike" | b"regexp" | b"ilike" | b"glob" => Like,
        b"sounds" => Sounds,
        b"is" => Is,
        b"in" => In,
        b"between" => Between,
        b"div" | b"mod" => DivMod,
        b"collate" => Collate,
        b"escape" => Escape,
        b"binary" => Binary,
        b"if" => If,
        b"begin" => Begin,
        b"load" => Load,
        b"grant" | b"revoke" => Grant,
        b"call" => Call,
        b"with" => With,
        b"for" => For,
        b"table" | b"database" | b"schema" | b"view" | b"login" | b"trigger" | b"index"
        | b"tablespace" | b"function" | b"role" | b"proc" => Object,
        b"immediate" => Immediate,
        b"backup" => Backup,
        b"copy" => Copy,
        b"use" => Use,
        b"print" => Print,
        b"null" => return Word::Literal(Lit::Null),
        b"true" | b"false" | b"unknown" => return Word::Literal(Lit::Bool),
        b"current_user" | b"session_user" | b"system_user" | b"current_role"
        | b"current_schema" | b"sysdate" | b"localtimestamp" | b"current_timestamp"
        | b"current_date" | b"current_time" | b"rownum" => return Word::Literal(Lit::Session),
        _ => return Word::Ident,
    };
    Word::Kw(kw)
}

/// What a known SQL function is typically abused for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FnClass {
    /// Makes the database wait: the tool of time-based blind injection.
    Delay,
    /// Reads files, runs commands, opens network connections, or raises
    /// errors that leak data (XML and geometry functions).
    Danger,
    /// Reveals the database, its version or the current user.
    Info,
    /// An ordinary SQL function with a name that is distinctly SQL.
    Sql,
    /// A SQL function whose name is also an everyday word (`left`, `count`).
    Common,
}

/// Looks up a function name (as written, any case, possibly qualified).
pub(super) fn function_class(word: &[u8]) -> Option<FnClass> {
    let mut buf = [0u8; MAX_WORD];
    let w = lower(word, &mut buf)?;
    use FnClass::*;
    let class = match w {
        b"sleep"
        | b"benchmark"
        | b"pg_sleep"
        | b"pg_sleep_for"
        | b"pg_sleep_until"
        | b"dbms_lock.sleep"
        | b"dbms_session.sleep"
        | b"dbms_pipe.receive_message"
        | b"randomblob" => Delay,
        b"load_file"
        | b"xp_cmdshell"
        | b"xp_dirtree"
        | b"xp_fileexist"
        | b"xp_regread"
        | b"xp_regwrite"
        | b"xp_servicecontrol"
        | b"xp_availablemedia"
        | b"xp_subdirs"
        | b"xp_terminate_process"
        | b"xp_makecab"
        | b"xp_ntsec_enumdomains"
        | b"xp_execresultset"
        | b"sp_oacreate"
        | b"sp_oamethod"
        | b"sp_executesql"
        | b"sp_makewebtask"
        | b"sp_addlogin"
        | b"sp_addsrvrolemember"
        | b"sp_password"
        | b"sp_configure"
        | b"sp_addextendedproc"
        | b"openrowset"
        | b"opendatasource"
        | b"openquery"
        | b"utl_http.request"
        | b"utl_inaddr.get_host_address"
        | b"utl_inaddr.get_host_name"
        | b"utl_file.fopen"
        | b"dbms_ldap.init"
        | b"dbms_xmlquery.newcontext"
        | b"dbms_xmlgen.getxml"
        | b"httpuritype"
        | b"extractvalue"
        | b"updatexml"
        | b"xmltype"
        | b"lo_import"
        | b"lo_export"
        | b"lo_get"
        | b"lo_from_bytea"
        | b"pg_read_file"
        | b"pg_read_binary_file"
        | b"pg_ls_dir"
        | b"sys_eval"
        | b"sys_exec"
        | b"dblink"
        | b"dblink_exec"
        | b"name_const"
        | b"polygon"
        | b"multipoint"
        | b"linestring"
        | b"multilinestring"
        | b"multipolygon"
        | b"geometrycollection"
        | b"gtid_subset"
        | b"json_keys"
        | b"exp"
        | b"st_latfromgeohash"
        | b"st_longfromgeohash"
        | b"st_pointfromgeohash"
        | b"ctxsys.drithsx.sn"
        | b"dbms_utility.sqlid_to_sqlhash"
        | b"make_set"
        | b"sqlite_compileoption_used"
        | b"sqlite_compileoption_get"
        | b"load_extension" => Danger,
        b"version" | b"database" | b"user" | b"current_user" | b"system_user" | b"session_user"
        | b"schema" | b"db_name" | b"user_name" | b"suser_name" | b"suser_sname" | b"host_name"
        | b"is_srvrolemember" | b"is_member" | b"connection_id" | b"last_insert_id"
        | b"row_count" | b"found_rows" | b"current_database" | b"current_schema"
        | b"current_setting" | b"pg_backend_pid" | b"inet_server_addr" | b"sqlite_version"
        | b"serverproperty" | b"sys_context" | b"has_dbaccess" | b"object_id" | b"object_name"
        | b"col_name" | b"schema_name" | b"user_id" | b"@@version" => Info,
        b"concat"
        | b"concat_ws"
        | b"group_concat"
        | b"substring"
        | b"substr"
        | b"mid"
        | b"ascii"
        | b"ord"
        | b"chr"
        | b"nchar"
        | b"unicode"
        | b"hex"
        | b"unhex"
        | b"conv"
        | b"md5"
        | b"sha1"
        | b"sha2"
        | b"crc32"
        | b"ifnull"
        | b"isnull"
        | b"nullif"
        | b"coalesce"
        | b"iif"
        | b"elt"
        | b"find_in_set"
        | b"instr"
        | b"locate"
        | b"char_length"
        | b"character_length"
        | b"lcase"
        | b"ucase"
        | b"rand"
        | b"ceil"
        | b"unix_timestamp"
        | b"from_unixtime"
        | b"strcmp"
        | b"soundex"
        | b"compress"
        | b"uncompress"
        | b"encode"
        | b"decode"
        | b"aes_encrypt"
        | b"aes_decrypt"
        | b"des_encrypt"
        | b"to_base64"
        | b"from_base64"
        | b"json_extract"
        | b"json_object"
        | b"json_array"
        | b"jsonb_pretty"
        | b"json_build_object"
        | b"to_char"
        | b"rawtohex"
        | b"string_agg"
        | b"array_agg"
        | b"xmlagg"
        | b"listagg"
        | b"quote_ident"
        | b"quote_literal"
        | b"unistr"
        | b"starts_with"
        | b"regexp_substr"
        | b"regexp_like"
        | b"regexp_replace"
        | b"pow"
        | b"sin"
        | b"cos"
        | b"tan"
        | b"sqrt"
        | b"nvl"
        | b"nvl2"
        | b"bitand"
        | b"pg_typeof"
        | b"typeof"
        | b"zeroblob"
        | b"rtrim"
        | b"ltrim"
        | b"trim"
        | b"insert"
        | b"curdate"
        | b"curtime"
        | b"sysdate"
        | b"now"
        | b"datalength"
        | b"char"
        | b"if"
        | b"cast"
        | b"length"
        | b"lpad"
        | b"rpad"
        | b"utl_raw.cast_to_varchar2"
        | b"lower"
        | b"upper"
        | b"floor"
        | b"count"
        | b"div" => Sql,
        b"left" | b"right" | b"convert" | b"replace" | b"reverse" | b"repeat" | b"space"
        | b"round" | b"min" | b"max" | b"sum" | b"avg" | b"log" | b"field" | b"quote"
        | b"position" | b"power" | b"least" | b"greatest" | b"len" | b"abs" | b"mod"
        | b"format" | b"values" => Common,
        _ => {
            if w.starts_with(b"xp_") || w.starts_with(b"sp_") {
                Danger
            } else {
                return None;
            }
        }
    };
    Some(class)
}

/// Function names that are flagged on their own (`name(`) at high
/// sensitivity: distinctly SQL, not everyday words.
pub(super) fn standalone_function(word: &[u8]) -> bool {
    matches!(
        function_class(word),
        Some(FnClass::Delay | FnClass::Danger | FnClass::Info | FnClass::Sql)
    ) && !is_everyday_function(word)
}

/// Known SQL functions whose names are also common in prose.
fn is_everyday_function(word: &[u8]) -> bool {
    let mut buf = [0u8; MAX_WORD];
    let Some(w) = lower(word, &mut buf) else {
        return true;
    };
    matches!(
        w,
        b"count"
            | b"length"
            | b"lower"
            | b"upper"
            | b"floor"
            | b"char"
            | b"cast"
            | b"now"
            | b"if"
            | b"exp"
    )
}

/// Database system objects: schemas, catalog tables and sample databases
/// whose names only appear in a request that probes the database.
pub(super) fn system_object(word: &[u8]) -> bool {
    let mut buf = [0u8; MAX_WORD];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    // Compare on the first component of a qualified name, and on the whole.
    let head = w.split(|&c| c == b'.').next().unwrap_or(w);
    matches!(
        head,
        b"information_schema"
            | b"pg_catalog"
            | b"pg_shadow"
            | b"pg_user"
            | b"pg_database"
            | b"pg_tables"
            | b"msdb"
            | b"tempdb"
            | b"northwind"
            | b"msysaccessobjects"
            | b"msysobjects"
            | b"msysqueries"
            | b"msysrelationships"
            | b"sysobjects"
            | b"syscolumns"
            | b"sysdatabases"
            | b"syslogins"
            | b"sysusers"
            | b"sysservers"
            | b"sysprocesses"
            | b"sqlite_master"
            | b"sqlite_schema"
            | b"sqlite_temp_master"
            | b"all_tables"
            | b"all_tab_columns"
            | b"user_tables"
            | b"user_tab_columns"
            | b"dba_users"
            | b"dba_tables"
            | b"v$version"
            | b"schema_name"
            | b"sys.databases"
            | b"sys.tables"
            | b"sys.objects"
    ) || matches!(
        w,
        b"mysql.user"
            | b"mysql.db"
            | b"master..sysservers"
            | b"master..sysdatabases"
            | b"sys.sql_logins"
            | b"sys.server_principals"
    ) || w.starts_with(b"master..")
        || w.starts_with(b"master.dbo.")
}

/// MongoDB query operators (`$ne`, `$where` ...), the NoSQL cousin of SQL injection.
pub(super) fn nosql_operator(word: &[u8]) -> bool {
    let mut buf = [0u8; MAX_WORD];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    matches!(
        w,
        b"$ne"
            | b"$eq"
            | b"$gt"
            | b"$gte"
            | b"$lt"
            | b"$lte"
            | b"$in"
            | b"$nin"
            | b"$regex"
            | b"$where"
            | b"$exists"
            | b"$not"
            | b"$nor"
            | b"$or"
            | b"$and"
            | b"$elemmatch"
            | b"$text"
            | b"$expr"
            | b"$function"
            | b"$accumulator"
            | b"$type"
            | b"$size"
            | b"$all"
            | b"$mod"
            | b"$jsonschema"
            | b"$lookup"
            | b"$search"
    )
}
